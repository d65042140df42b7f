"""A passport deleted (consent withdrawn, or the account erased) shares nothing any more: the
sessions' choices to share from it go with it, so a new passport starts with nothing shared."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from coproduce.passport.models import Passport

from .models import SessionAttendance


@receiver(post_delete, sender=Passport, dispatch_uid="deliberation_forget_shared_needs")
def forget_shared_needs(sender, instance, **kwargs):
    SessionAttendance.objects.filter(user_id=instance.user_id).exclude(shared_needs=[]).update(
        shared_needs=[]
    )
