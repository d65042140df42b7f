"""The figures of a closed consultation, cached (docs/benchmarks.md, "Pages against the ceiling").

A closed consultation's results change only when someone changes what they are computed from:
a response entered late or deleted, a free-text answer hidden or shown by a moderator, the page
published again (reopened, new dates, different questions or results settings), 'about you'
answers saved. Each of those bumps the consultation's `ResultsVersion` in PostgreSQL (the
services below, and receivers for deletions and publishing); the cache key holds that number,
so a change is seen by the very next request, in every process, with no expiry to wait for.
The number is read with one primary-key query; a stale entry is never read again and ages out.

Only consultations closed for `SETTLE_SECONDS` are cached: while a consultation is open its
figures change with every response (and the cache would be churned, not used), and a response
whose request began just before closing may still be committing just after it.

The cache is the default one, which fails open (coproduce/cache.py): with Redis away the
figures are computed as before. What is cached is the computed figures, never a page, so
nothing that differs by viewer (abilities, messages, a staff member's hidden answers) is shared:
the key also holds `include_hidden`, and the language of the labels."""

import secrets
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from engagement.consultations import results
from engagement.consultations.models import ConsultationPage, ConsultationStatus, ResultsVersion

# Change when the shape of what is cached changes, or how it is computed, so a deploy never
# reads the old: 2 since disclosure rule 2 left out the groups that are not an answer.
FORMAT = 2
SETTLE_SECONDS = 300
# Entries are keyed on the version, so this is only how long an unread one takes up space.
TIMEOUT = 7 * 24 * 3600


def bump(consultation_id: int) -> None:
    """Say the figures of this consultation have changed: every cached entry for it is left
    behind. A new random number, not the old one plus one, so a database restored from a
    backup cannot meet entries cached before. Done in the caller's transaction, so a
    rolled-back change bumps nothing."""
    ResultsVersion.objects.update_or_create(
        consultation_id=consultation_id, defaults={"version": secrets.randbits(62)}
    )


def version(consultation_id: int) -> int:
    found = (
        ResultsVersion.objects.filter(consultation_id=consultation_id)
        .values_list("version", flat=True)
        .first()
    )
    return found or 0


def cacheable(consultation: ConsultationPage, *, now=None) -> bool:
    now = now or timezone.now()
    return consultation.period_at(now - timedelta(seconds=SETTLE_SECONDS)) == (
        ConsultationStatus.CLOSED
    )


def cached(consultation: ConsultationPage, kind: str, compute, *parts):
    """`compute()`, or its cached value for this consultation, `kind` and `parts` at the
    current version. Not cached unless `cacheable`."""
    if not cacheable(consultation):
        return compute()
    key = ":".join(
        str(p)
        for p in (
            "consultation-results",
            FORMAT,
            consultation.pk,
            version(consultation.pk),
            # Publishing also bumps the version (receivers.py); this is belt and braces.
            consultation.live_revision_id,
            get_language() or "",
            kind,
            *parts,
        )
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def consultation_results(*, consultation: ConsultationPage, include_hidden: bool = False):
    """`results.consultation_results`, cached once the consultation has closed."""
    value = cached(
        consultation,
        "results",
        lambda: results.consultation_results(
            consultation=consultation, include_hidden=include_hidden
        ),
        include_hidden,
    )
    value.consultation = consultation
    return value


def consultation_breakdown(*, consultation: ConsultationPage, field_name: str):
    """`results.consultation_breakdown`, cached once the consultation has closed."""
    value = cached(
        consultation,
        "breakdown",
        lambda: results.consultation_breakdown(consultation=consultation, field_name=field_name),
        field_name,
    )
    value.consultation = consultation
    return value


def breakdown_tables(
    *, consultation: ConsultationPage, field_name: str, render, template_version: str
) -> SafeString:
    """`render(breakdown)`: the breakdown's tables as HTML, kept like the figures (same version,
    same language) once the consultation has closed, so a request for them costs one query and
    one cache read, not the rendering of every cell. Only for a caller that has checked the
    viewer may see the breakdown; `render` must not depend on the request or the viewer.
    `template_version` names the templates' source, so HTML kept before a deploy that changed
    them is never read after it."""

    def compute() -> str:
        return str(render(consultation_breakdown(consultation=consultation, field_name=field_name)))

    html = cached(
        consultation,
        "breakdown-tables",
        compute,
        field_name,
        template_version,
    )
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escaped it
