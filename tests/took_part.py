"""Shared by the tests of who took part in sessions (a group's year, a decision's linked
sessions): a small area population checked by hand, the Wilson interval worked by hand, and
people who came into a session's room with their passport's "about you" answers."""

import math

from coproduce.passport.services import equality_answers_save
from deliberation.models import SessionParticipant
from engagement.consultations.representativeness import COLUMNS
from tests import factories

Z = 1.959963984540054

AREA_CSV = "\n".join(
    [
        ",".join(COLUMNS),
        "sex,Female,600,count,E06000999,Testshire,TS008,https://example.org/ts008,hand made",
        "sex,Male,400,count,E06000999,Testshire,TS008,https://example.org/ts008,hand made",
        "carer,Provides no unpaid care,900,count,E06000999,Testshire,TS039,https://example.org/ts039,x",
        "carer,Provides 19 hours or less unpaid care a week,100,count,E06000999,Testshire,TS039,"
        "https://example.org/ts039,x",
    ]
)


def wilson_by_hand(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


def took_part(session, n: int, *, members: bool = False, **answers) -> list:
    """`n` new people who came into `session`'s room (made members of its group first with
    `members`), each with `answers` about themselves, with consent, when any are given."""
    people = []
    for _ in range(n):
        person = factories.UserFactory()
        if members:
            session.group.members.add(person)
        if answers:
            equality_answers_save(user=person, consent=True, **answers)
        SessionParticipant.objects.create(session=session, user=person)
        people.append(person)
    return people
