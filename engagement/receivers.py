"""Wagtail signal receivers: thin, they hand over to a service."""

from engagement.services.decisions import decision_publication_record


def decision_published(sender, instance, revision=None, **kwargs):
    # Every way a decision goes live (the sign-off workflow finishing, a scheduled publish,
    # the demo seed) sends Wagtail's page_published; the admin-only hooks would miss some.
    decision_publication_record(
        decision_id=instance.pk, revision_id=revision.pk if revision is not None else None
    )
