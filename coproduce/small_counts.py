"""The one place this branch's new tables of counts of people pass through before anyone sees
them: the fairness figures beside matches, the lottery's pool and panel, and the wave comparison.

Interim: `coproduce.disclosure` (disclosure control for every table of counts of people, with
secondary suppression) is being written alongside. When it lands, `publishable_count` becomes a
call into it, so every caller switches at once. Until then the primary rule holds here: a count
of 1 to 4 people is never shown; it carries the neutral mark "[c]" (never "fewer than 5", which
would be untrue of a cell hidden to protect another)."""

SMALLEST_SHOWN = 5
HIDDEN_MARK = "[c]"
HIDDEN_NOTE = "[c]: hidden to protect people's privacy."


def is_hidden(count: int) -> bool:
    """Whether a count of people must not be shown (1 to 4; zero counts nobody)."""
    return 0 < count < SMALLEST_SHOWN


def publishable_count(count: int) -> int | str:
    """The count as it may be published: the number, or "[c]" where it is 1 to 4 people."""
    return HIDDEN_MARK if is_hidden(count) else count
