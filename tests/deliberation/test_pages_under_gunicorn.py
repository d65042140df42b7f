"""The pages over WSGI (coproduce/wsgi.py under gunicorn, as deploy/coproduce-pages.service runs
it) beside the rooms' ASGI server: the visitor's address behind nginx, and a change made through
a page on gunicorn reaching a room whose people are connected to the rooms' server."""

import asyncio
import json
import re
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
import websockets
from django.conf import settings

from coproduce.wsgi import LOOPBACK, ForwardedFor, trusted_proxies
from deliberation.opinions import services as opinions
from tests.deliberation.conftest import session_cookie
from tests.deliberation.servers import real_servers


def _address_seen(remote_addr: str, forwarded: str | None, trusted=frozenset(LOOPBACK)) -> str:
    seen = {}

    def application(environ, start_response):
        seen["address"] = environ["REMOTE_ADDR"]
        start_response("200 OK", [])
        return [b""]

    environ = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        environ["HTTP_X_FORWARDED_FOR"] = forwarded
    ForwardedFor(application, trusted)(environ, lambda *args: None)
    return seen["address"]


def test_behind_nginx_the_visitor_address_is_the_one_nginx_forwards():
    assert _address_seen("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert _address_seen("::1", "2001:db8::5") == "2001:db8::5"
    # Only the last address is vouched for (nginx's own); what the visitor sent before it is not.
    assert _address_seen("127.0.0.1", "198.51.100.9, 203.0.113.7") == "203.0.113.7"


def test_a_forwarded_address_from_anyone_but_a_trusted_proxy_is_ignored():
    # Someone reaching the server directly cannot choose the address they are counted by.
    assert _address_seen("198.51.100.20", "203.0.113.7") == "198.51.100.20"
    assert _address_seen("127.0.0.1", None) == "127.0.0.1"
    assert _address_seen("127.0.0.1", " ") == "127.0.0.1"


def test_another_proxy_is_trusted_only_when_named(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.5, 10.0.0.6")
    trusted = trusted_proxies()
    assert _address_seen("10.0.0.6", "203.0.113.7", trusted) == "203.0.113.7"
    assert _address_seen("10.0.0.7", "203.0.113.7", trusted) == "10.0.0.7"


@pytest.mark.django_db(transaction=True)
@pytest.mark.redis
@pytest.mark.postgres
def test_a_statement_added_on_a_page_under_gunicorn_reaches_the_room_on_the_rooms_server(
    postgres, redis_url, room
):
    item = room.session.agenda_items.order_by("sort_order").first()
    room.session.current_item = item
    room.session.save(update_fields=["current_item"])
    activity = opinions.statement_activity_for_item(item=item)
    member_cookie = session_cookie(room.member)
    writer_cookie = session_cookie(room.other_member)
    prefix = f"wsgi-{room.session.pk}"

    def add_statement(base: str, text: str) -> int:
        """As a browser does: the form's page for the CSRF token, then the POST."""
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={writer_cookie}"}
        url = f"{base}/statements/{activity.pk}/"
        page_request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
        with opener.open(page_request, timeout=20) as page:
            html = page.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        csrf_cookie = next(c.value for c in jar if c.name == settings.CSRF_COOKIE_NAME)
        body = urllib.parse.urlencode(
            {"action": "add", "text": text, "csrfmiddlewaretoken": token}
        ).encode()
        headers["Cookie"] += f"; {settings.CSRF_COOKIE_NAME}={csrf_cookie}"
        request = urllib.request.Request(  # noqa: S310 - loopback
            url, data=body, headers=headers, method="POST"
        )
        try:
            with opener.open(request, timeout=20) as answer:
                return answer.status
        except urllib.error.HTTPError as redirect:
            return redirect.code

    async def scenario(rooms_url: str, pages_url: str) -> dict:
        socket = await websockets.connect(
            rooms_url.replace("http://", "ws://") + f"/ws/rooms/{room.session.pk}/",
            origin=rooms_url,
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={member_cookie}"},
            open_timeout=10,
        )
        try:
            assert json.loads(await socket.recv())["type"] == "welcome"
            status = await asyncio.to_thread(
                add_statement, pages_url, "Budgets should be explained in plain words."
            )
            assert status == 302, f"the statement form answered {status}"
            async with asyncio.timeout(15):
                while True:
                    message = json.loads(await socket.recv())
                    if message["type"] == "statement.created":
                        return message
        finally:
            await socket.close()

    with (
        real_servers(1, redis_url=redis_url, prefix=prefix) as rooms,
        real_servers(1, redis_url=redis_url, prefix=prefix, server="gunicorn") as pages,
    ):
        message = asyncio.run(scenario(rooms[0], pages[0]))
    assert "Budgets should be explained in plain words." in json.dumps(message)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
