"""A session's calendar file (RFC 5545), built with the icalendar library.

One entry per session with a stable UID, so a calendar that imported the invitation replaces it
when an update (a higher SEQUENCE) or a cancellation (METHOD:CANCEL, STATUS:CANCELLED) arrives.
Times are written in Europe/London with its VTIMEZONE, so the entry is right on both sides of a
clock change. The online link goes only into files made for someone with a place.
"""

from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Session

LONDON = ZoneInfo("Europe/London")
MIMETYPE = "text/calendar"


def session_uid(session: Session) -> str:
    """Stable for the life of the session, unique across sites."""
    host = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "coproduce"
    return f"session-{session.pk}@{host}"


def _location(session: Session, *, with_link: bool) -> str:
    parts = [session.venue_name, session.venue_address.replace("\r\n", ", ").replace("\n", ", ")]
    if with_link and session.online_link:
        parts.append(session.online_link)
    return ", ".join(p for p in parts if p)


def session_calendar(
    session: Session, *, with_link: bool, method: str = "PUBLISH", page_url: str = ""
) -> bytes:
    """The session as an .ics file. `method` is PUBLISH (a download), REQUEST (an invitation
    or update sent by email) or CANCEL; a cancelled session is always CANCEL."""
    if session.cancelled:
        method = "CANCEL"
    calendar = Calendar()
    calendar.add("prodid", "-//Coproduce//Sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", session.calendar_sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.scheduled_at.astimezone(LONDON))
    event.add(
        "dtend",
        (session.scheduled_at + timedelta(minutes=session.duration_minutes)).astimezone(LONDON),
    )
    event.add("summary", f"{session.group.name}: {session.title}")
    description = []
    if session.access_information:
        description.append(f"Access: {session.access_information}")
    if with_link and session.online_link:
        description.append(f"Join online: {session.online_link}")
    if page_url:
        description.append(page_url)
        event.add("url", page_url)
    if description:
        event.add("description", "\n\n".join(description))
    location = _location(session, with_link=with_link)
    if location:
        event["location"] = vText(location)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].strip('> ')}")
    organizer.params["cn"] = vText(session.group.name)
    event["organizer"] = organizer
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def calendar_filename(session: Session) -> str:
    return f"session-{session.pk}.ics"
