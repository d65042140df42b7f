"""Signal receivers: thin, they hand over to a service.

- `session_saved` is connected in `DeliberationConfig.ready`: a session edited in the admin
  tells the people with places.
- `forget_shared_needs`: a passport deleted (consent withdrawn, or the account erased) shares
  nothing any more: the sessions' choices to share from it go with it, so a new passport starts
  with nothing shared.
- `forget_room_state`: a session, agenda item, poll or participant saved or deleted in this
  process: a welcome kept for the room (`selectors._shared_state`) is not used again."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from coproduce.passport.models import Passport

from .models import AgendaItem, Poll, Session, SessionAttendance, SessionParticipant
from .selectors import forget_shared_state
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


@receiver(post_delete, sender=Passport, dispatch_uid="deliberation_forget_shared_needs")
def forget_shared_needs(sender, instance, **kwargs):
    SessionAttendance.objects.filter(user_id=instance.user_id).exclude(shared_needs=[]).update(
        shared_needs=[]
    )


@receiver(post_save, sender=Session, dispatch_uid="deliberation_forget_room_state_session")
@receiver(post_delete, sender=Session, dispatch_uid="deliberation_forget_room_state_session_d")
def forget_room_state_of_session(sender, instance, **kwargs):
    forget_shared_state(instance.pk)


@receiver(post_save, sender=AgendaItem, dispatch_uid="deliberation_forget_room_state_item")
@receiver(post_delete, sender=AgendaItem, dispatch_uid="deliberation_forget_room_state_item_d")
@receiver(post_save, sender=Poll, dispatch_uid="deliberation_forget_room_state_poll")
@receiver(post_delete, sender=Poll, dispatch_uid="deliberation_forget_room_state_poll_d")
@receiver(post_save, sender=SessionParticipant, dispatch_uid="deliberation_forget_room_state_p")
@receiver(post_delete, sender=SessionParticipant, dispatch_uid="deliberation_forget_room_state_p_d")
def forget_room_state(sender, instance, **kwargs):
    forget_shared_state(instance.session_id)
