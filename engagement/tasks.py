"""Deprecated path, kept for one release: django-tasks stores a queued task by its dotted path,
and tasks queued before the move name `engagement.tasks.notify_decision_round`. The task lives
in `engagement.decisions.tasks`. Remove this module in the release after 0.2."""

from engagement.decisions.tasks import notify_decision_round

__all__ = ["notify_decision_round"]
