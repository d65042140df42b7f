"""Signal receivers: thin, they hand over to a service. Connected in `DeliberationConfig.ready`."""

from django.db import transaction

from .models import Session
from .services import session_details_changed


def session_saved(sender, instance: Session, created: bool, **kwargs):
    # A session saved in the admin with a new time, place, link, capacity or cancellation:
    # the people with places get the updated calendar entry (or the cancellation).
    if created:
        return
    before = getattr(instance, "_loaded_values", None)
    if before is None:
        return
    changed = {name for name, value in before.items() if getattr(instance, name) != value}
    instance._loaded_values = {name: getattr(instance, name) for name in before}
    if changed:
        session_id = instance.pk
        transaction.on_commit(
            lambda: session_details_changed(session_id=session_id, changed=changed)
        )
