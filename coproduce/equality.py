"""The equality monitoring questions: one set of answers and one wording for everywhere they are
asked.

- a consultation's optional "about you" questions (`engagement.consultations.EqualityMonitoring`),
- the lottery's questions when someone expresses interest in a panel drawn by lottery
  (`engagement.profiles.LotteryAnswers`, which uses three of these),
- the involvement passport's optional "about you" section (`coproduce.passport.EqualityAnswers`).

The same categories everywhere, so the people who took part in a co-production group compare
with the population exactly as a consultation's respondents do
(docs/representativeness.md). Imports nothing of the site, so the passport (below every
feature) and the features can all use it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    AGE_18_24 = "18_24", _("18 to 24")
    AGE_25_34 = "25_34", _("25 to 34")
    AGE_35_49 = "35_49", _("35 to 49")
    AGE_50_64 = "50_64", _("50 to 64")
    AGE_65_79 = "65_79", _("65 to 79")
    AGE_80_PLUS = "80_plus", _("80 or over")
    PREFER_NOT = "prefer_not", _("Prefer not to say")


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    PREFER_NOT = "prefer_not", _("Prefer not to say")


class Ethnicity(models.TextChoices):
    ASIAN = "asian", _("Asian or Asian British")
    BLACK = "black", _("Black, Black British, Caribbean or African")
    MIXED = "mixed", _("Mixed or multiple ethnic groups")
    WHITE = "white", _("White")
    OTHER = "other", _("Another ethnic group")
    PREFER_NOT = "prefer_not", _("Prefer not to say")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    PREFER_NOT = "prefer_not", _("Prefer not to say")


# The answers that are not an answer: a count of people by an equality field treats them as it
# treats "not given" (coproduce.disclosure's `Table.not_answers`, docs/statistics.md).
NOT_ANSWERS = frozenset({"prefer_not"})


# The questions as a person reads them, by the field name every model uses.
QUESTIONS = {
    "age_band": _("What is your age?"),
    "disability": _("Do you consider yourself to be disabled?"),
    "long_term_condition": _("Do you have a long-term health condition?"),
    "carer": _("Do you look after someone because of their illness, disability or age?"),
    "ethnicity": _("What is your ethnic group?"),
    "sex": _("What is your sex?"),
}
