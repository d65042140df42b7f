"""Forms, one module per concept."""

# Day first, as people in the UK write dates; ISO dates are accepted too. Every date a person
# types on the site is read with these.
UK_DATE_INPUT_FORMATS = [
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %m %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y-%m-%d",
]
