"""Questionnaire templates a commissioner can start a consultation from.

Templates are Python definitions, not rows a commissioner edits. The point of a template like
the personal budget outcomes survey is that the *same* questions are asked every year, of the
person, a family carer and staff, so the answers can be compared: a template that anyone could
edit in place would quietly break that comparison. Kept in code, a change is reviewed, versioned
with the software and visible in the history; a commissioner who wants different questions
applies the template and then edits their own consultation's copy.

The personal budget outcomes survey is written in our own words, in the spirit of the outcome
surveys the personalisation movement uses (POET): has support made a difference to what matters
to people, and what should improve."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PERSON = "person"
FAMILY_CARER = "family_carer"
STAFF = "staff"

VERSIONS = {
    PERSON: _("The person who has the budget"),
    FAMILY_CARER: _("A family carer"),
    STAFF: _("Staff who support people with budgets"),
}

DIFFERENCE = [
    "Much better",
    "A bit better",
    "No different",
    "A bit worse",
    "Much worse",
    "Does not apply",
]

# What matters to people. Each outcome is asked in the same words for every version, changed
# only in who it is about, so answers line up across the three versions and across years.
OUTCOMES = [
    ("health", "your physical and mental health", "their physical and mental health"),
    (
        "relationships",
        "your relationships with family and friends",
        "their relationships with family and friends",
    ),
    (
        "choice-control",
        "having choice and control over your life",
        "having choice and control over their lives",
    ),
    ("dignity", "being treated with dignity and respect", "being treated with dignity and respect"),
    ("community", "being part of your community", "being part of their community"),
    ("safety", "feeling safe", "feeling safe"),
]

IMPROVEMENTS = [
    "Clearer information about how much money there is",
    "Less paperwork",
    "More help to plan support",
    "More choice of people to work with",
    "Quicker decisions",
    "Easier ways to change the plan",
]


def _outcome_questions(version: str) -> list[dict]:
    questions = []
    for key, about_you, about_them in OUTCOMES:
        if version == PERSON:
            text = f"Since you had a personal budget, how has {about_you} changed?"
        elif version == FAMILY_CARER:
            text = (
                "Since the person you care for had a personal budget, how has "
                f"{about_them} changed?"
            )
        else:
            text = (
                "Since the people you support had personal budgets, how has "
                f"{about_them} changed, on the whole?"
            )
        questions.append(
            {"key": f"outcome-{key}", "kind": "single_choice", "text": text, "choices": DIFFERENCE}
        )
    return questions


def _carer_questions(version: str) -> list[dict]:
    if version == PERSON:
        text = "If someone in your family helps you, has your budget made their life better?"
    elif version == FAMILY_CARER:
        text = "Has the personal budget made a difference to your own life as a carer?"
    else:
        text = "Have personal budgets made a difference to the lives of family carers?"
    own_time = {
        PERSON: "My family has more time for themselves.",
        FAMILY_CARER: "I have more time for myself, my work and my own health.",
        STAFF: "Family carers have more time for themselves, their work and their own health.",
    }[version]
    return [
        {"key": "carer-difference", "kind": "single_choice", "text": text, "choices": DIFFERENCE},
        {"key": "carer-own-time", "kind": "agreement_scale", "text": own_time},
    ]


def _support_questions(version: str) -> list[dict]:
    subject = {
        PERSON: "I",
        FAMILY_CARER: "The person I care for and I",
        STAFF: "The people I support",
    }[version]
    return [
        {
            "key": "plan-say",
            "kind": "agreement_scale",
            "text": f"{subject} had enough say in the support plan.",
        },
        {
            "key": "plan-money",
            "kind": "agreement_scale",
            "text": f"{subject} knew how much money there was to spend.",
        },
        {
            "key": "plan-change",
            "kind": "agreement_scale",
            "text": f"{subject} could change the support when things changed.",
        },
    ]


@dataclass(frozen=True)
class QuestionnaireTemplate:
    """A shipped questionnaire. `revision` goes up whenever its questions change; each
    question's `key` stays with the question through rewordings and reorderings, so answers to
    "the same question" line up across waves and revisions. A question whose meaning changes
    gets a new key."""

    key: str
    title: str
    description: str
    revision: int = 1

    def sections_for(self, version: str) -> list[dict]:
        """The template's sections for one version, in the shape the questionnaire services
        take: [{"title", "description", "questions": [{"kind", "text", "choices"...}]}]."""
        if version not in VERSIONS:
            raise KeyError(version)
        return [
            {
                "title": "What has changed",
                "description": "Think about the last 12 months.",
                "questions": _outcome_questions(version),
            },
            {
                "title": "Family carers",
                "description": "",
                "questions": _carer_questions(version),
            },
            {
                "title": "Planning and support",
                "description": "",
                "questions": _support_questions(version),
            },
            {
                "title": "What should improve",
                "description": "",
                "questions": [
                    {
                        "key": "improvements-order",
                        "kind": "ranking",
                        "text": "Put these changes in order, the most important first.",
                        "choices": IMPROVEMENTS[:4],
                    },
                    {
                        "key": "one-thing",
                        "kind": "free_text",
                        "text": "What one thing would make personal budgets work better?",
                        "max_length": 2000,
                    },
                ],
            },
        ]


QUESTIONNAIRE_TEMPLATES: dict[str, QuestionnaireTemplate] = {
    "personal-budget-outcomes": QuestionnaireTemplate(
        key="personal-budget-outcomes",
        title="Personal budget outcomes survey",
        description=(
            "Has support made a difference to what matters to people: health, relationships, "
            "choice and control, dignity, community, carers' own lives. Versions for the "
            "person, a family carer and staff, with the same questions, to ask every year."
        ),
    ),
}
