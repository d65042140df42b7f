"""Receivers that keep the cached results of a consultation true (results_cache.py): deleting a
submitted response (by whatever path: erasure, pruning, the admin), and publishing or
unpublishing the page (reopening, new dates or questions, results settings)."""

from engagement.consultations import results_cache
from engagement.consultations.models import ResponseStatus


def response_deleted(sender, instance, **kwargs):
    if instance.status == ResponseStatus.SUBMITTED:
        results_cache.bump(instance.consultation_id)


def page_changed(sender, instance, **kwargs):
    results_cache.bump(instance.pk)
