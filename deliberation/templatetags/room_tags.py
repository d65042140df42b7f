from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

register = template.Library()


@register.filter
def clock(value: str) -> str:
    """An event's ISO timestamp as the local time of day (HH:MM), as people in the room saw it."""
    moment = parse_datetime(value or "")
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%H:%M")
