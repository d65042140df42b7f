"""Decisions: what commissioners decided, how people's input shaped it ("you said, we did"),
the co-produced sign-off before publication, ratings, and the notices people get.

A decision is a Wagtail page. Publishing it always goes through the co-produced sign-off
workflow: the page's permission tester refuses "publish" until a sign-off of the latest
revision has been approved, so not even a Commissioner with publish rights can skip it."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.models import (
    Orderable,
    Page,
    PagePermissionTester,
    TaskState,
    Workflow,
)
from wagtail.search import index

from coproduce.page_context import ContextFromHooks
from coproduce.readability import ReadabilityFieldPanel
from engagement.decisions.admin_forms import DecisionPageForm

SIGN_OFF_WORKFLOW_NAME = "Co-produced sign-off"
# The sign-off task's content type, by name: `workflow.CoproducedSignOffTask` is defined above
# these models (it asks the people who may sign), so the pages find its states by label.
SIGN_OFF_TASK_APP_LABEL = "engagement"
SIGN_OFF_TASK_MODEL = "coproducedsignofftask"


def sign_off_task_states() -> models.QuerySet:
    """Every state of the co-produced sign-off task: the one query the pages, the permission
    tester, the task and the report build on."""
    return TaskState.objects.filter(
        task__content_type__app_label=SIGN_OFF_TASK_APP_LABEL,
        task__content_type__model=SIGN_OFF_TASK_MODEL,
    )


def approved_sign_off(*, revision_id: int | None) -> TaskState | None:
    """The approved sign-off of one revision of a decision, if there is one."""
    if revision_id is None:
        return None
    return (
        sign_off_task_states()
        .filter(revision_id=revision_id, status=TaskState.STATUS_APPROVED)
        .order_by("-finished_at")
        .first()
    )


class InvolvementLevel(models.TextChoices):
    """How far people shaped the decision, from least to most (DOMAIN.md)."""

    INFORMED = "informed", _("Informed")
    CONSULTED = "consulted", _("Consulted")
    INVOLVED = "involved", _("Involved")
    CO_PRODUCED = "co_produced", _("Co-produced")
    CO_DECIDED = "co_decided", _("Co-decided")


# What the record must hold for each level (issue 14). Stated on the decision page and in the
# admin; checked by `evidence.decision_evidence`. Each level includes the ones below it only
# where the rule says so ("involved" is met by "consulted", "co-decided" needs "co-produced").
EVIDENCE_RULES = {
    InvolvementLevel.INFORMED: _("Published on this site."),
    InvolvementLevel.CONSULTED: _(
        "At least one linked consultation that has closed, with responses."
    ),
    InvolvementLevel.INVOLVED: _(
        "Consulted, or at least one linked co-production session that took place with people "
        "with lived experience (experts by experience) present."
    ),
    InvolvementLevel.CO_PRODUCED: _(
        "A linked co-production group that met about it (at least one of its sessions linked "
        "here has ended), and sign-off by the group's members with lived experience: at least "
        "the group's quorum of them confirm it."
    ),
    InvolvementLevel.CO_DECIDED: _(
        "Co-produced, and the decision itself agreed in a session: a closed poll, or a linked "
        "session's recorded agreement, cited here."
    ),
}
LEVEL_ORDER = [level.value for level in InvolvementLevel]

INVOLVEMENT_DESCRIPTIONS = {
    InvolvementLevel.INFORMED: _("We told people what we decided. They did not shape it."),
    InvolvementLevel.CONSULTED: _("We asked people's views, then decided ourselves."),
    InvolvementLevel.INVOLVED: _("People worked with us on parts of the decision."),
    InvolvementLevel.CO_PRODUCED: _(
        "People with lived experience shaped the options with us as equals."
    ),
    InvolvementLevel.CO_DECIDED: _("People with lived experience made the decision with us."),
}


class EvidenceRulesPanel(HelpPanel):
    """The ladder's evidence rules, shown in the decision editor beside the linked records."""

    class BoundPanel(HelpPanel.BoundPanel):
        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["evidence_rules"] = [
                (level.value, level.label, EVIDENCE_RULES[level]) for level in InvolvementLevel
            ]
            return context


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DECIDED = "decided", _("Decided")
    IMPLEMENTING = "implementing", _("Being put in place")
    REVIEWED = "reviewed", _("Reviewed")


class DecisionIndexPage(ContextFromHooks, Page):
    """The public decision log: every published decision, filterable, with an Atom feed."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["engagement.DecisionPage"]
    max_count = 1
    template = "engagement/decisions/decision_index_page.html"

    class Meta:
        verbose_name = _("decision index page")

    def permissions_for_user(self, user):
        return DecisionIndexPermissionTester(user, self)


class DecisionIndexPermissionTester(PagePermissionTester):
    def can_publish_subpage(self):
        # A new decision can never go live from the "create" screen: it needs its sign-off.
        return False


class DecisionPagePermissionTester(PagePermissionTester):
    """Publishing a decision needs an approved co-produced sign-off of its latest revision.
    With one, the person who gave it may publish (Wagtail publishes as the last approver) and
    so may anyone with ordinary publish rights; without one, nobody may."""

    def can_publish(self):
        if not self.user.is_active or self.page.pk is None:
            return False
        sign_off = approved_sign_off(revision_id=self.page.latest_revision_id)
        if sign_off is None:
            return False
        return super().can_publish() or sign_off.finished_by_id == self.user.pk

    def can_publish_subpage(self):
        return False


class DecisionPage(ContextFromHooks, Page):
    """One decision: what, why, what it commissions, how people shaped it."""

    summary = models.TextField(
        _("what we decided"), help_text=_("Two or three plain-English sentences.")
    )
    easy_read_summary = models.TextField(
        _("what we decided, in Easy Read"),
        blank=True,
        help_text=_("Short sentences and everyday words. Shown to readers who choose Easy Read."),
    )
    why = models.TextField(_("why we decided it"))
    topics = ParentalManyToManyField(
        "engagement.ConsultationTopic", blank=True, related_name="decisions"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.DECIDED
    )
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    # A survey series (its key, from "Compare the waves") whose change since the decision the
    # page shows, worked out from the waves' answers (selectors.series_change_since).
    cited_series = models.SlugField(
        _("survey series to follow"),
        max_length=100,
        blank=True,
        help_text=_(
            "The series key shown on a series' comparison page. The decision page then shows how "
            "the answers changed between the last wave before the decision and the latest one."
        ),
    )
    implementation_started_on = models.DateField(
        _("being put in place from"), null=True, blank=True
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)

    service_name = models.CharField(
        _("service commissioned"),
        max_length=255,
        blank=True,
        help_text=_("E.g. 'Overnight short breaks for carers'. Leave empty if none."),
    )
    budget = models.DecimalField(
        _("budget (£)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    budget_period = models.CharField(
        _("budget period"), max_length=100, blank=True, help_text=_("E.g. 'a year for 3 years'.")
    )
    service_starts_on = models.DateField(_("service starts on"), null=True, blank=True)

    involvement_level = models.CharField(
        _("level of involvement"), max_length=20, choices=InvolvementLevel.choices
    )
    involvement_justification = models.TextField(
        _("why this level of involvement"),
        help_text=_(
            "Be honest: a survey alone is 'consulted'; a group that shaped the options with "
            "you is 'co-produced'. The record must prove the level: informed — published; "
            "consulted — a linked consultation that closed with responses; involved — "
            "consulted, or a linked session that took place with experts by experience "
            "present; co-produced — a linked group that met about it (an ended session) and "
            "sign-off by its members with lived experience; co-decided — co-produced, and the "
            "decision agreed in a session (cite the poll or the session's recorded agreement). "
            "It cannot go to sign-off until the record supports it."
        ),
    )

    consultations = ParentalManyToManyField(
        "engagement.ConsultationPage",
        blank=True,
        related_name="decisions",
        verbose_name=_("consultations"),
    )
    co_production_group = models.ForeignKey(
        "deliberation.CoproductionGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
        verbose_name=_("co-production group"),
        help_text=_(
            "The group that shaped this decision. Its members with lived experience sign it off "
            "before it is published (the group's quorum of them). With no group, the level "
            "cannot be co-produced or co-decided."
        ),
    )
    sessions = ParentalManyToManyField(
        "deliberation.Session",
        blank=True,
        related_name="decisions",
        verbose_name=_("co-production sessions"),
    )

    agreed_in_poll = models.ForeignKey(
        "deliberation.Poll",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("agreed in a poll"),
        help_text=_(
            "Co-decided only: the closed poll, in a session linked here, in which the group "
            "agreed the decision."
        ),
    )
    agreed_in_session = models.ForeignKey(
        "deliberation.Session",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("agreed in a session"),
        help_text=_(
            "Co-decided only: the linked session whose recorded agreement (its agreed actions) "
            "shows the group agreed the decision."
        ),
    )
    changes_answer = models.TextField(
        _("your answer to the changes the group asked for"),
        blank=True,
        help_text=_(
            "When the group asks for changes, answer them here before you submit again. Your "
            "answer is shown to the group and kept in the involvement report."
        ),
    )

    update_note = models.TextField(
        _("significant update: what changed"),
        blank=True,
        help_text=_(
            "Fill this in only when a change is significant enough to tell everyone who took "
            "part again. Each new note is sent once; republishing with the same note, or with "
            "none, notifies nobody."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        ReadabilityFieldPanel("easy_read_summary"),
        FieldPanel("why"),
        # Checkboxes: a multi-select needs Ctrl-click, which people do not know (issue 12).
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("cited_series"),
        MultiFieldPanel(
            [
                FieldPanel("status"),
                FieldRowPanel([FieldPanel("proposed_on"), FieldPanel("decided_on")]),
                FieldRowPanel([FieldPanel("implementation_started_on"), FieldPanel("reviewed_on")]),
            ],
            heading=_("Status and dates"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("service_name"),
                FieldRowPanel([FieldPanel("budget"), FieldPanel("budget_period")]),
                FieldPanel("service_starts_on"),
            ],
            heading=_("What it commissions"),
        ),
        MultiFieldPanel(
            [FieldPanel("involvement_level"), FieldPanel("involvement_justification")],
            heading=_("Level of involvement"),
        ),
    ]
    involvement_panels = [
        EvidenceRulesPanel(
            template="engagement/decisions/admin_evidence_rules.html",
            heading=_("What the record must show for each level"),
        ),
        FieldPanel("consultations"),
        FieldPanel("co_production_group"),
        FieldPanel("sessions"),
        MultiFieldPanel(
            [FieldPanel("agreed_in_poll"), FieldPanel("agreed_in_session")],
            heading=_("Co-decided: where the decision was agreed"),
        ),
        FieldPanel("changes_answer"),
        InlinePanel("you_said_items", heading=_("You said, we did"), label=_("Point")),
        InlinePanel(
            "minority_views", heading=_("Disagreement and minority views"), label=_("View")
        ),
    ]
    update_panels = [FieldPanel("update_note")]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Decision")),
            ObjectList(involvement_panels, heading=_("How people shaped it")),
            ObjectList(update_panels, heading=_("Updates")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("why"),
        index.SearchField("service_name"),
    ]
    parent_page_types = ["engagement.DecisionIndexPage"]
    subpage_types: list[str] = []
    template = "engagement/decisions/decision_page.html"
    # Refuses to send a draft to sign-off while the record does not support its level.
    base_form_class = DecisionPageForm

    class Meta:
        verbose_name = _("decision")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="decision_budget_not_negative",
            ),
        ]

    def permissions_for_user(self, user):
        return DecisionPagePermissionTester(user, self)

    # Every decision goes through the co-produced sign-off, wherever it sits in the tree.
    def get_workflow(self):
        return (
            Workflow.objects.filter(
                active=True,
                workflow_tasks__task__content_type__app_label=SIGN_OFF_TASK_APP_LABEL,
                workflow_tasks__task__content_type__model=SIGN_OFF_TASK_MODEL,
            )
            .order_by("pk")
            .first()
        )

    @property
    def has_workflow(self):
        return self.get_workflow() is not None

    @property
    def involvement_description(self) -> str:
        return INVOLVEMENT_DESCRIPTIONS.get(self.involvement_level, "")

    @property
    def evidence_rule(self) -> str:
        return EVIDENCE_RULES.get(self.involvement_level, "")


class ResponseOutcome(models.TextChoices):
    DONE = "done", _("Done")
    PARTLY = "partly", _("Partly done")
    NOT_DONE = "not_done", _("Not done")


class Theme(models.Model):
    """A theme people raised, coded by a commissioner or facilitator from free-text answers and
    room contributions (human coding: nothing is grouped automatically)."""

    decision = models.ForeignKey(DecisionPage, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("theme"), max_length=200)
    description = models.TextField(_("what it covers"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("theme")
        constraints = [
            models.UniqueConstraint(fields=["decision", "name"], name="one_theme_name_per_decision")
        ]

    def __str__(self):
        return self.name


class ThemeCode(models.Model):
    """One answer or one room contribution coded into one theme."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="codes")
    answer = models.ForeignKey(
        "engagement.Answer", null=True, blank=True, on_delete=models.CASCADE, related_name="codes"
    )
    contribution = models.ForeignKey(
        "deliberation.RoomEvent",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="codes",
    )
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(answer__isnull=False) & Q(contribution__isnull=True))
                | (Q(answer__isnull=True) & Q(contribution__isnull=False)),
                name="theme_code_codes_one_thing",
            ),
            models.UniqueConstraint(
                fields=["theme", "answer"],
                condition=Q(answer__isnull=False),
                name="theme_code_answer_once",
            ),
            models.UniqueConstraint(
                fields=["theme", "contribution"],
                condition=Q(contribution__isnull=False),
                name="theme_code_contribution_once",
            ),
        ]

    def __str__(self):
        return f"{self.theme_id}: {self.answer_id or self.contribution_id}"


class YouSaidItem(ClusterableModel, Orderable):
    """One "you said, we did" point: what people said (quoted or summarised, never named) and
    what the commissioners did about it. It may cite any number of themes, consultation
    answers and contributions in sessions (everyone whose words are in them is told it was
    heard), and a question of any kind, whose figure is taken from the results."""

    decision = ParentalKey(DecisionPage, on_delete=models.CASCADE, related_name="you_said_items")
    you_said = models.TextField(
        _("you said"),
        help_text=_("Quote or summarise what people said. Never include names."),
    )
    cited_themes = ParentalManyToManyField(
        Theme,
        blank=True,
        related_name="citations",
        verbose_name=_("cited themes"),
        help_text=_("Themes coded on the coding screen: everyone whose words are in them is told."),
    )
    cited_answers = ParentalManyToManyField(
        "engagement.Answer",
        blank=True,
        related_name="citations",
        verbose_name=_("cited consultation answers"),
        limit_choices_to={"question__kind": "free_text", "hidden": False},
    )
    cited_contributions = ParentalManyToManyField(
        "deliberation.RoomEvent",
        blank=True,
        related_name="citations",
        limit_choices_to={"type": "contribution.created"},
        verbose_name=_("cited session contributions"),
    )
    cited_question = models.ForeignKey(
        "engagement.Question",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="citations",
        verbose_name=_("cited question"),
        help_text=_(
            "Optional: a question of any kind whose result this point reports. The figure is "
            "taken from the results, not typed."
        ),
    )
    cited_choice = models.ForeignKey(
        "engagement.Choice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cited choice"),
        help_text=_("Optional: the choice of the cited question to report (else the top one)."),
    )
    cited_statement = models.ForeignKey(
        "deliberation.Statement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="citations",
        limit_choices_to={"status": "approved"},
        verbose_name=_("cited statement"),
        help_text=_(
            "Optional: a statement people voted on (in a session or a consultation). How many "
            "agreed is taken from the votes, not typed."
        ),
    )
    outcome = models.CharField(_("what happened"), max_length=20, choices=ResponseOutcome.choices)
    we_did = models.TextField(
        _("we did"),
        help_text=_("What we did, or, if partly or not done, what we did and why not the rest."),
    )

    panels = [
        FieldPanel("you_said"),
        FieldPanel("cited_themes"),
        FieldPanel("cited_answers"),
        FieldPanel("cited_contributions"),
        FieldRowPanel([FieldPanel("cited_question"), FieldPanel("cited_choice")]),
        FieldPanel("cited_statement"),
        FieldPanel("outcome"),
        FieldPanel("we_did"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("you said, we did point")

    def clean(self):
        super().clean()
        if self.cited_choice_id and self.cited_choice.question_id != self.cited_question_id:
            raise ValidationError({"cited_choice": _("Choose a choice of the cited question.")})

    def __str__(self):
        return self.you_said[:80]


class MinorityView(Orderable):
    """A view some people held that the decision did not follow. It stays on the record."""

    decision = ParentalKey(DecisionPage, on_delete=models.CASCADE, related_name="minority_views")
    view = models.TextField(_("the view"), help_text=_("Never include names."))
    held_by = models.CharField(
        _("held by"),
        max_length=255,
        blank=True,
        help_text=_("E.g. 'some carers in the co-production group'. Never names."),
    )
    response = models.TextField(_("how we considered it"), blank=True)
    # Recorded by a member of the co-production group at sign-off (their dissent), rather than
    # written by the commissioner; published with the decision either way.
    from_sign_off = models.BooleanField(_("recorded at sign-off by a group member"), default=False)

    panels = [
        FieldPanel("view"),
        FieldPanel("held_by"),
        FieldPanel("response"),
        FieldPanel("from_sign_off", read_only=True),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("minority view")

    def __str__(self):
        return self.view[:80]


class DecisionRating(models.Model):
    """ "Does this reflect what people said?" One per person per decision, changeable."""

    decision = models.ForeignKey(DecisionPage, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="decision_ratings"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Moderation of the comment, as for free-text answers: hidden from the page, kept, with why.
    comment_hidden = models.BooleanField(default=False)
    comment_hidden_reason = models.CharField(max_length=255, blank=True)
    comment_hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment_hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "user"], name="one_rating_per_person"),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="decision_rating_score_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.decision_id}: {self.score}"


class RatingCommentReport(models.Model):
    """A signed-in person's report that a rating comment shown on a decision should not be
    there. Commissioners and Editors see the reports beside the comment and hide it with a
    reason (`DecisionRating.comment_hidden`), or leave it. One report per person per comment."""

    class Reason(models.TextChoices):
        ABUSIVE = "abusive", _("It is abusive or hateful")
        PERSONAL = "personal", _("It names or could identify someone")
        SPAM = "spam", _("It is spam or advertising")
        OTHER = "other", _("Something else")

    rating = models.ForeignKey(DecisionRating, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rating_reports"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rating", "reporter"], name="one_report_per_person_per_comment"
            )
        ]

    def __str__(self):
        return f"{self.rating_id}: {self.reason}"


class DecisionNotification(models.Model):
    """One round of telling people about a decision: its first publication, or a significant
    update. The (decision, update note) pair is unique, so a round happens once however often
    the page is republished or the task retried."""

    decision = models.ForeignKey(
        DecisionPage, on_delete=models.CASCADE, related_name="notification_rounds"
    )
    update_note = models.TextField(blank=True)
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_publication = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "update_note"], name="one_notification_round_per_update"
            ),
        ]

    def __str__(self):
        return f"{self.decision_id}: {self.update_note[:40] or 'published'}"


class Notification(models.Model):
    """An in-site notice for a signed-in person ("your notifications")."""

    class Kind(models.TextChoices):
        DECISION_PUBLISHED = "decision_published", _("A decision you took part in")
        DECISION_UPDATED = "decision_updated", _("A decision you took part in was updated")
        YOUR_POINT = "your_point", _("What happened to your point")
        SIGN_OFF_REQUESTED = "sign_off_requested", _("A decision is waiting for your sign-off")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    round = models.ForeignKey(
        DecisionNotification,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Exactly one notice per person per round, however often the fan-out runs.
            models.UniqueConstraint(
                fields=["user", "round"],
                condition=Q(round__isnull=False),
                name="one_notification_per_person_per_round",
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title


class DecisionEmail(models.Model):
    """One email owed to one address for one round. The address is unique per round, so each
    person is emailed once; `sent_at` is set by a conditional update before sending, so a
    retried or concurrent task never sends it twice."""

    round = models.ForeignKey(DecisionNotification, on_delete=models.CASCADE, related_name="emails")
    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    personal_lines = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Which run of the task claimed this email (set with sent_at, in one conditional update).
    claim = models.CharField(max_length=32, blank=True, default="", db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "email"], name="one_email_per_address_per_round"
            )
        ]

    def __str__(self):
        return f"{self.round_id} → {self.email}"


class SignOffVerdict(models.TextChoices):
    APPROVE = "approve", _("Confirmed")
    REQUEST_CHANGES = "request_changes", _("Asked for changes")
    DISSENT = "dissent", _("Recorded a dissent")


class SignOffResponse(models.Model):
    """One group member's answer to one sign-off request (a task state of the co-produced
    sign-off): confirm, ask for changes (the commissioner must answer before submitting again),
    or record a dissent that is published with the decision as a minority view. The task
    approves once the group's quorum of members with lived experience have confirmed."""

    task_state = models.ForeignKey(
        "wagtailcore.TaskState", on_delete=models.CASCADE, related_name="sign_off_responses"
    )
    decision = models.ForeignKey(
        DecisionPage, on_delete=models.CASCADE, related_name="sign_off_responses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_off_responses"
    )
    verdict = models.CharField(max_length=20, choices=SignOffVerdict.choices)
    comment = models.TextField(blank=True)
    # Shown by role ("a member with lived experience") unless the person chose to be named.
    named = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # For "ask for changes": the commissioner's answer, required before the next submission.
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task_state", "user"], name="one_sign_off_response_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.task_state_id}: {self.user_id} {self.verdict}"


class Contest(models.Model):
    """Someone who took part challenging the stated level of involvement or one "you said"
    point, with a reason; once per person per decision. The commissioner answers publicly."""

    class About(models.TextChoices):
        LEVEL = "level", _("The stated level of involvement")
        POINT = "point", _("A “you said, we did” point")

    decision = models.ForeignKey(DecisionPage, on_delete=models.CASCADE, related_name="contests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="decision_contests"
    )
    about = models.CharField(max_length=10, choices=About.choices)
    item = models.ForeignKey(
        YouSaidItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="contests"
    )
    # What was contested, as it read then (the point may change or go later).
    item_text = models.TextField(blank=True)
    reason = models.TextField(_("reason"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "user"], name="one_contest_per_person"),
            models.CheckConstraint(
                condition=Q(about="level") | Q(about="point"), name="contest_about_valid"
            ),
        ]

    def __str__(self):
        return f"{self.decision_id}: {self.about}"
