"""Consultations: Wagtail pages that hold a questionnaire, and the responses people give.

Answers are stored one row per answered item (a chosen choice, a scale point, a rank, a share of
points, a piece of text) so that every result is a GROUP BY in the database, never a loop in
Python. Equality monitoring is kept in its own table, apart from the answers."""

import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from coproduce import equality
from coproduce.home.blocks import BodyBlock
from coproduce.page_context import ContextFromHooks
from coproduce.readability import ReadabilityFieldPanel
from engagement.consultations.admin_forms import ConsultationPageForm
from engagement.consultations.kinds import (  # noqa: F401
    AGREEMENT_SCALE,
    CHOICE_KINDS,
    KINDS_WITHOUT_ANSWERS,
    QuestionKind,
)


@register_snippet
class ConsultationTopic(models.Model):
    """What a consultation is about, for filtering: 'Carers', 'Mental health', ..."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("consultation topic")

    def __str__(self):
        return self.name


class ConsultationIndexPage(ContextFromHooks, Page):
    """All consultations: open, upcoming and closed, filterable by topic."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["engagement.ConsultationPage"]
    max_count = 1
    template = "engagement/consultations/consultation_index_page.html"

    class Meta:
        verbose_name = _("consultation index page")


class ConsultationStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    DECISION_PUBLISHED = "decision_published", _("Decision published")


class AnswerMode(models.TextChoices):
    SIGNED_IN = "signed_in", _("Signed in: one response per account, editable until it closes")
    OPEN = "open", _("Open: no account needed, one response per browser")


class ResultsVisibility(models.TextChoices):
    AFTER_CLOSE = "after_close", _("Public once the consultation closes")
    LIVE = "live", _("Public while it is open (live results)")


class ConsultationPage(ContextFromHooks, Page):
    """One consultation: what it is about, who is asked, when, and its questionnaire."""

    summary = models.TextField(_("summary"), help_text=_("Two or three plain-English sentences."))
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)
    easy_read = StreamField(
        BodyBlock(),
        blank=True,
        use_json_field=True,
        verbose_name=_("easy read version"),
        help_text=_("Short sentences and pictures; shown to anyone who asks for easy read."),
    )
    who_is_asked = models.TextField(
        _("who we are asking"),
        help_text=_("E.g. 'Carers in Northshire, and the people they care for.'"),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    topics = ParentalManyToManyField(ConsultationTopic, blank=True, related_name="consultations")
    answer_mode = models.CharField(
        _("who can answer"), max_length=20, choices=AnswerMode.choices, default=AnswerMode.OPEN
    )
    results_visibility = models.CharField(
        _("results"),
        max_length=20,
        choices=ResultsVisibility.choices,
        default=ResultsVisibility.AFTER_CLOSE,
    )
    ask_equality_monitoring = models.BooleanField(
        _("ask the optional 'about you' questions"), default=True
    )
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    # Where the questionnaire came from, and which series of yearly waves it belongs to: set by
    # the questionnaire services (applying a template, running the next wave), never typed.
    # Answers compare across a series' waves by each question's `key`.
    template_key = models.CharField(max_length=100, blank=True, editable=False)
    template_audience = models.CharField(max_length=30, blank=True, editable=False)
    template_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)
    series_key = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    wave = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("who_is_asked"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")], heading=_("Dates")),
        # Checkboxes: a multi-select needs Ctrl-click, which people do not know (issue 12).
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
        ReadabilityFieldPanel("easy_read"),
        InlinePanel("documents", heading=_("Supporting documents"), label=_("Document")),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
            heading=_("Contact"),
        ),
    ]
    questionnaire_panels = [
        FieldPanel("answer_mode"),
        FieldPanel("results_visibility"),
        FieldPanel("ask_equality_monitoring"),
        InlinePanel("sections", heading=_("Sections and questions"), label=_("Section"), min_num=1),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(questionnaire_panels, heading=_("Questionnaire")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("who_is_asked"),
        index.SearchField("body"),
    ]
    parent_page_types = ["engagement.ConsultationIndexPage"]
    subpage_types: list[str] = []
    template = "engagement/consultations/consultation_page.html"
    # Checks each question against its kind, and locks the questions once people respond.
    base_form_class = ConsultationPageForm

    class Meta:
        verbose_name = _("consultation")

    def response_count(self) -> int:
        return Response.objects.filter(consultation_id=self.pk).count()

    def stored_questionnaire(self, fields: tuple[str, ...]) -> dict:
        """The saved questions, by pk: the named fields and the (pk, label) of each choice.
        What the admin form compares a submitted questionnaire with."""
        stored = {}
        questions = Question.objects.filter(section__page_id=self.pk).prefetch_related("choices")
        for question in questions:
            stored[question.pk] = (
                tuple(getattr(question, name) for name in fields),
                tuple(sorted((c.pk, c.label) for c in question.choices.all())),
            )
        return stored

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError(
                {"closes_at": _("The closing date must be after the opening date.")}
            )

    def with_content_json(self, content):
        """A revision made into a page (to publish it, schedule it, approve it in a workflow,
        or edit it). Once people have responded, the questionnaire is fixed whatever an older
        draft holds: the live sections, questions and choices are kept, so publishing a draft
        can never change or delete a question people have answered. (The admin form refuses
        such changes with a message; this covers the paths that bypass the form.)"""
        page = super().with_content_json(content)
        if self.pk and Response.objects.filter(consultation_id=self.pk).exists():
            page.sections = list(QuestionSection.objects.filter(page_id=self.pk))
        return page

    def status_at(self, now=None) -> ConsultationStatus:
        """Where the consultation stands: from its dates, and 'decision published' once it has
        closed and a published decision links to it (one query, for closed ones only)."""
        period = self.period_at(now)
        if period == ConsultationStatus.CLOSED and self.pk and self.decisions.live().exists():
            return ConsultationStatus.DECISION_PUBLISHED
        return period

    def period_at(self, now=None) -> ConsultationStatus:
        """Upcoming, open or closed, from the dates alone (no query)."""
        now = now or timezone.now()
        if now < self.opens_at:
            return ConsultationStatus.UPCOMING
        if now < self.closes_at:
            return ConsultationStatus.OPEN
        return ConsultationStatus.CLOSED

    @property
    def status(self) -> ConsultationStatus:
        return self.status_at()

    @property
    def is_open(self) -> bool:
        return self.period_at() == ConsultationStatus.OPEN

    @cached_property
    def _questions_in_order(self) -> list["Question"]:
        return list(
            Question.objects.filter(section__page=self)
            .select_related("section")
            .prefetch_related("choices")
            .order_by("section__sort_order", "sort_order")
        )

    @cached_property
    def ordered_questions(self) -> list["Question"]:
        """The questions answered with `Answer` rows, in order (a statements question is not
        one: its results are its statements activity's). Two queries, shared with
        `statement_questions`."""
        return [q for q in self._questions_in_order if q.gives_answers]

    @cached_property
    def statement_questions(self) -> list["Question"]:
        """The "statements" questions, in order."""
        return [q for q in self._questions_in_order if q.kind == QuestionKind.STATEMENTS]


class ConsultationDocument(Orderable):
    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(
        _("title"), max_length=255, blank=True, help_text=_("Defaults to the document's title.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]


class QuestionSection(ClusterableModel, Orderable):
    """A page of the questionnaire. Long questionnaires are answered one section at a time."""

    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        InlinePanel("questions", heading=_("Questions"), label=_("Question"), min_num=1),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("section")

    def __str__(self):
        return self.title


class Question(ClusterableModel, Orderable):
    section = ParentalKey(QuestionSection, on_delete=models.CASCADE, related_name="questions")
    # The question's identity across waves of a series ("outcome-choice-control"): kept when the
    # wording or the order changes, so this year's answers line up with last year's. Empty for
    # questions written by hand, which are not compared.
    key = models.CharField(max_length=80, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    hint = models.CharField(_("hint"), max_length=500, blank=True)
    easy_read_text = models.CharField(
        _("question in Easy Read"),
        max_length=500,
        blank=True,
        help_text=_("Short sentences and everyday words. Shown to readers who choose Easy Read."),
    )
    required = models.BooleanField(_("an answer is required"), default=False)
    max_choices = models.PositiveSmallIntegerField(
        _("most choices allowed"),
        null=True,
        blank=True,
        help_text=_("Multiple choice only. Leave empty for no limit."),
    )
    max_length = models.PositiveIntegerField(
        _("longest answer (characters)"), default=2000, help_text=_("Free text only.")
    )
    points_total = models.PositiveIntegerField(
        _("points to share"), default=100, help_text=_("Points allocation only.")
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("text"),
        FieldPanel("hint"),
        ReadabilityFieldPanel("easy_read_text"),
        FieldPanel("required"),
        FieldRowPanel(
            [FieldPanel("max_choices"), FieldPanel("max_length"), FieldPanel("points_total")]
        ),
        InlinePanel("choices", heading=_("Choices"), label=_("Choice")),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("question")
        constraints = [
            models.CheckConstraint(
                condition=Q(points_total__gte=1), name="question_points_total_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_length__gte=1) & Q(max_length__lte=20000),
                name="question_max_length_range",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def gives_answers(self) -> bool:
        return self.kind not in KINDS_WITHOUT_ANSWERS


class Choice(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    label = models.CharField(_("label"), max_length=255)

    panels = [FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = _("choice")

    def __str__(self):
        return self.label


def new_reference() -> str:
    """A reference number people can quote on the phone: 10 characters, no look-alikes."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Started, not yet sent")
    SUBMITTED = "submitted", _("Sent")


class AssistanceMode(models.TextChoices):
    NONE = "", _("Not assisted")
    PAPER = "paper", _("From a paper form")
    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")
    ON_BEHALF = "on_behalf", _("On the person's behalf, with their consent")


class Response(models.Model):
    """One person's response to one consultation."""

    consultation = models.ForeignKey(
        ConsultationPage, on_delete=models.CASCADE, related_name="responses"
    )
    reference = models.CharField(_("reference"), max_length=16, unique=True, default=new_reference)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_responses",
    )
    # Open mode: a hash of a random token kept in the browser, so one browser gives one response
    # and can resume it. Empty for signed-in and assisted responses.
    browser_key = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(
        max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.IN_PROGRESS
    )
    current_section = models.PositiveSmallIntegerField(default=0)
    # "Save and finish later" keeps what was typed even when it does not fit its question yet
    # (an item ranked twice, points that do not add up): here, per question id, as typed. It is
    # never an answer and never counted; a response cannot be sent while anything is here.
    unfinished_answers = models.JSONField(default=dict, blank=True)
    email = models.EmailField(_("email for updates"), blank=True)
    wants_updates = models.BooleanField(_("tell me what was decided"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assisted_responses",
        help_text=_("The support worker, advocate or carer who entered this response."),
    )
    assistance = models.CharField(
        max_length=20, choices=AssistanceMode.choices, blank=True, default=AssistanceMode.NONE
    )
    consent_recorded = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "respondent"],
                condition=Q(respondent__isnull=False),
                name="one_response_per_account",
            ),
            models.UniqueConstraint(
                fields=["consultation", "browser_key"],
                condition=~Q(browser_key=""),
                name="one_response_per_browser",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False),
                name="response_submitted_at_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(assistance="") | Q(entered_by__isnull=False),
                name="assisted_response_names_who_entered_it",
            ),
        ]
        indexes = [models.Index(fields=["consultation", "status"])]

    def __str__(self):
        return self.reference

    @property
    def is_assisted(self) -> bool:
        return bool(self.assistance)


class Answer(models.Model):
    """One answered item. Single choice: one row with `choice`. Multiple choice: a row per
    chosen choice. Agreement scale: one row with `number` 1-5. Ranking: a row per choice with
    its position in `number` (1 = first). Points: a row per choice with its points in
    `number`. Free text: one row with `text`."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(
        Choice, null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    number = models.IntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    # Moderation: a free-text answer can be hidden from public results, never deleted.
    hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=255, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                condition=Q(choice__isnull=False),
                name="one_answer_per_choice",
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=Q(choice__isnull=True),
                name="one_answer_per_question_without_choice",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=0),
                name="answer_number_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(hidden=False) | ~Q(hidden_reason=""),
                name="hidden_answer_has_a_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["question", "choice"]),
            # Results count the people who answered a multiple-choice or points question with
            # COUNT(DISTINCT response) per question: this index serves it by an index-only
            # scan (3 s -> 0.16 s at 100,000 responses; docs/benchmarks.md).
            models.Index(fields=["question", "response"], name="answer_question_response_idx"),
        ]

    def __str__(self):
        return f"{self.response_id}: {self.question_id}"


class EqualityMonitoring(models.Model):
    """The optional 'about you' answers. Kept apart from the answers, read only by the results
    selectors, and reported only in aggregate through coproduce.disclosure (docs/statistics.md)."""

    # The choices every equality question uses, wherever it is asked (coproduce/equality.py).
    AgeBand = equality.AgeBand
    YesNo = equality.YesNo
    Ethnicity = equality.Ethnicity
    Sex = equality.Sex

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="equality")
    age_band = models.CharField(max_length=20, choices=AgeBand.choices, blank=True)
    disability = models.CharField(
        _("do you consider yourself disabled?"), max_length=20, choices=YesNo.choices, blank=True
    )
    long_term_condition = models.CharField(max_length=20, choices=YesNo.choices, blank=True)
    carer = models.CharField(
        _("do you look after someone?"), max_length=20, choices=YesNo.choices, blank=True
    )
    ethnicity = models.CharField(max_length=20, choices=Ethnicity.choices, blank=True)
    sex = models.CharField(max_length=20, choices=Sex.choices, blank=True)

    # The fields results may be broken down by.
    BREAKDOWN_FIELDS = (
        "age_band",
        "disability",
        "long_term_condition",
        "carer",
        "ethnicity",
        "sex",
    )

    def __str__(self):
        return f"About you ({self.response_id})"


class FormatRequest(models.Model):
    """Someone asked for the consultation in another format (large print, BSL, paper...)."""

    class Format(models.TextChoices):
        EASY_READ = "easy_read", _("Easy read")
        LARGE_PRINT = "large_print", _("Large print")
        BSL = "bsl", _("British Sign Language video")
        PAPER = "paper", _("Paper copy by post")
        AUDIO = "audio", _("Audio")
        OTHER_LANGUAGE = "other_language", _("Another language")
        OTHER = "other", _("Something else")

    consultation = models.ForeignKey(
        ConsultationPage, on_delete=models.CASCADE, related_name="format_requests"
    )
    format = models.CharField(max_length=20, choices=Format.choices)
    name = models.CharField(_("your name"), max_length=150)
    contact = models.CharField(_("email, phone or postal address"), max_length=500)
    details = models.TextField(_("anything else we should know"), blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.get_format_display()} for {self.consultation}"


class AnswerModeration(models.Model):
    class Action(models.TextChoices):
        HIDDEN = "hidden", _("Hidden from public results")
        SHOWN = "shown", _("Shown again in public results")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="moderations")
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("moderation of an answer")
        constraints = [
            models.CheckConstraint(
                condition=Q(action="shown") | ~Q(reason=""), name="hiding_an_answer_has_a_reason"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: answer {self.answer_id}"


class ReferencePopulation(models.Model):
    """An area's population figures a commissioner loaded (ONS Census 2021 tables for their
    area, in the layout of `reference_data/census2021_england.csv`), to compare who responded
    with who lives there. England's figures ship with the code and need no row here. The file
    is kept as uploaded beside the figures read from it, so nothing typed is lost."""

    name = models.CharField(_("name"), max_length=200)
    area_code = models.CharField(_("area code"), max_length=20)
    area_name = models.CharField(_("area name"), max_length=200)
    source_csv = models.TextField(_("the file as uploaded"))
    figures = models.JSONField(_("figures read from the file"), default=list)
    in_use = models.BooleanField(_("compare with these figures"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["in_use"],
                condition=Q(in_use=True),
                name="one_reference_population_in_use",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.area_code})"


class ResultsVersion(models.Model):
    """A number that changes whenever anything that a consultation's published figures depend on
    changes (a response entered or deleted, an answer hidden or shown, the page published with
    new dates or questions, 'about you' answers saved). The cached results of a closed
    consultation are keyed on it (engagement/consultations/results_cache.py). Kept in
    PostgreSQL, not in the cache, so a Redis outage cannot lose a change."""

    consultation = models.OneToOneField(
        ConsultationPage, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"Results version {self.version} of consultation {self.consultation_id}"
