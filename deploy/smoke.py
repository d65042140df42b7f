"""Smoke test of a running deployment, from outside, through the proxy.

    python deploy/smoke.py https://coproduce.example.org --password DEMO_PASSWORD [--ca cert.pem]

Crawls every page reachable from the home page (same-site links, HTML pages, bounded in count
and time), anonymously and signed in as each demo account, and fails on any 5xx. Then opens a
live room's WebSocket (a room found while crawling) and waits for its `welcome`, fetches a
static file by its hashed name and checks it is cached for a year, and asks /health/ready/.
Prints the number of pages crawled. CI's production stage runs it against nginx; an operator
can run it after an upgrade (with demo accounts on a staging copy).

Only the standard library and `websockets` (a dev dependency) are used.
"""

import argparse
import asyncio
import concurrent.futures
import html.parser
import http.cookiejar
import json
import re
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import websockets

DEMO_ACCOUNTS = [
    "participant@example.org",
    "expert@example.org",
    "facilitator@example.org",
    "commissioner@example.org",
    "editor@example.org",
    "supporter@example.org",
]
# Links not followed: leaving the session, and the admin beyond its dashboard (its pages are
# Wagtail's own, many and slow; the dashboard proves the admin runs in production).
SKIP = re.compile(r"^/(accounts/logout/|admin/.+|documents/|media/)")
# A live session's room (an ended session's page has a read-only room too).
ROOM = re.compile(r'id="room"[^>]*data-session="(\d+)"[^>]*data-status="live"')
HASHED_STATIC = re.compile(r'(/static/[^"\'\s>]+\.[0-9a-f]{12}\.(?:css|js))')
TIMEOUT = 30  # seconds for any one request


class Failure(Exception):
    pass


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.csrf = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])
        if tag == "input" and attributes.get("name") == "csrfmiddlewaretoken":
            self.csrf = attributes.get("value") or ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    """A cookie-keeping client that follows redirects itself, so every hop is checked."""

    def __init__(self, base: str, context: ssl.SSLContext):
        self.base = base.rstrip("/")
        self.origin = self.base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies),
            urllib.request.HTTPSHandler(context=context),
            NoRedirect(),
        )
        self.requests = 0

    def fetch(self, path: str, data: dict | None = None, referer: str | None = None):
        """(status, headers, body text, final path) after following up to 5 redirects."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        for _ in range(6):
            request = urllib.request.Request(self.base + path, data=body)  # noqa: S310
            if body is not None:
                request.add_header("Origin", self.origin)
                request.add_header("Referer", self.base + (referer or path))
            self.requests += 1
            try:
                response = self.opener.open(request, timeout=TIMEOUT)  # noqa: S310
                status, headers, raw = response.status, response.headers, response.read()
            except urllib.error.HTTPError as error:
                status, headers, raw = error.code, error.headers, error.read()
            if status >= 500:
                raise Failure(f"{status} for {path} (reference {headers.get('X-Request-ID', '?')})")
            if status in (301, 302, 303, 307, 308) and headers.get("Location"):
                target = urllib.parse.urljoin(self.base + path, headers["Location"])
                if not target.startswith(self.base + "/"):
                    return status, headers, "", path
                path, body = target[len(self.base) :], None
                continue
            return status, headers, raw.decode("utf-8", "replace"), path
        raise Failure(f"too many redirects from {path}")

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.cookies if c.name == name), "")


def same_site_path(base: str, page: str, href: str) -> str | None:
    url = urllib.parse.urljoin(base + page, href)
    if not url.startswith(base + "/"):
        return None
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if SKIP.match(parts.path) else path


def crawl(
    browser: Browser, *, starts: list[str], max_pages: int, deadline: float, found: dict
) -> int:
    """Visit every same-site HTML page reachable from `starts`; returns how many were visited."""
    queue, seen, pages = list(starts), set(starts), 0
    while queue and pages < max_pages:
        if time.monotonic() > deadline:
            raise Failure("the crawl ran out of time")
        path = queue.pop(0)
        status, headers, text, final = browser.fetch(path)
        if "X-Request-ID" not in headers and status != 304:
            raise Failure(f"no X-Request-ID on {path}")
        if not headers.get("Content-Type", "").startswith("text/html"):
            continue
        pages += 1
        found["rooms"].update(ROOM.findall(text))
        found["static"].update(HASHED_STATIC.findall(text))
        parser = Links()
        parser.feed(text)
        for href in parser.hrefs:
            target = same_site_path(browser.base, final, href.split("#", 1)[0] or final)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return pages


def sign_in(browser: Browser, email: str, password: str) -> None:
    _, _, text, _ = browser.fetch("/accounts/login/")
    parser = Links()
    parser.feed(text)
    if not parser.csrf:
        raise Failure("no CSRF token on the sign-in page")
    _, _, _, landed = browser.fetch(
        "/accounts/login/",
        {"csrfmiddlewaretoken": parser.csrf, "login": email, "password": password},
    )
    # Signing in redirects away from the form; a refused attempt shows the form again.
    if landed.startswith("/accounts/login/"):
        raise Failure(f"could not sign in as {email}")


async def room_welcome(base: str, room: str, browser: Browser, context) -> dict:
    async with _room_socket(base, room, browser, context, since=0) as socket:
        message = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
    if message.get("type") != "welcome":
        raise Failure(f"the room's first message was {message.get('type')!r}, not welcome")
    return message


def _room_socket(base: str, room: str, browser: Browser, context, since: int):
    ws_base = "wss" + base[len("https") :] if base.startswith("https") else "ws" + base[4:]
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    return websockets.connect(
        f"{ws_base}/ws/rooms/{room}/?since={since}",
        ssl=context if ws_base.startswith("wss") else None,
        additional_headers={"Cookie": cookie},
        origin=base,
        open_timeout=TIMEOUT,
    )


async def room_across_restart(
    base: str, room: str, watcher: Browser, member: Browser, context, hook: str
) -> str:
    """Restart the web processes (`hook`) while a room is open, as the upgrade steps in
    docs/deployment.md do. The watcher reconnects with `since` as the room page does; it must
    end with every event in order, including one a member sends after the restart, and plain
    requests through the proxy must all succeed meanwhile."""
    seqs: list[int] = []
    reconnects = 0
    http_answers = {"ok": 0, "failed": []}

    async def watch():
        nonlocal reconnects
        while True:
            since = seqs[-1] if seqs else 0
            try:
                async with _room_socket(base, room, watcher, context, since) as socket:
                    async for raw in socket:
                        seq = json.loads(raw).get("seq")
                        if isinstance(seq, int) and seq > (seqs[-1] if seqs else 0):
                            seqs.append(seq)
            except (OSError, websockets.WebSocketException, TimeoutError):
                pass
            reconnects += 1
            await asyncio.sleep(0.3)

    async def poll():
        prober = Browser(base, context)
        while True:
            try:
                await asyncio.to_thread(prober.fetch, "/health/live/")
                http_answers["ok"] += 1
            except (Failure, OSError) as error:
                http_answers["failed"].append(str(error))
            await asyncio.sleep(0.1)

    watching, polling = asyncio.create_task(watch()), asyncio.create_task(poll())
    try:
        await asyncio.sleep(2)
        reconnects_before = reconnects
        process = await asyncio.create_subprocess_exec(hook)
        if await asyncio.wait_for(process.wait(), 300) != 0:
            raise Failure(f"the restart command {hook} failed")
        async with _room_socket(base, room, member, context, 0) as socket:
            await asyncio.wait_for(socket.recv(), TIMEOUT)  # welcome
            await socket.send(
                json.dumps(
                    {
                        "type": "contribution.create",
                        "client_id": uuid.uuid4().hex,
                        "text": "Said after the restart.",
                    }
                )
            )
            while (reply := json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT)))[
                "type"
            ] != "ack":
                if reply["type"] == "error":
                    raise Failure(f"the member's message was refused: {reply}")
        sent = reply["seq"]
        for _ in range(100):
            if seqs and seqs[-1] >= sent:
                break
            await asyncio.sleep(0.1)
    finally:
        watching.cancel()
        polling.cancel()
    if not seqs or seqs[-1] < sent:
        raise Failure(f"the watcher never received event {sent} sent after the restart")
    if seqs != list(range(1, seqs[-1] + 1)):
        raise Failure(f"the watcher's events have gaps or repeats: {seqs}")
    if reconnects == reconnects_before:
        raise Failure("the room's connection never dropped: the restart did not restart it")
    if http_answers["failed"]:
        raise Failure(f"requests failed during the restart: {http_answers['failed'][:3]}")
    return (
        f"{reconnects - reconnects_before} reconnection(s), events 1..{seqs[-1]} in order, "
        f"{http_answers['ok']} requests during the restart all answered"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="e.g. https://coproduce.example.org")
    parser.add_argument("--password", required=True, help="the demo accounts' password")
    parser.add_argument("--ca", help="a CA certificate to trust (a self-signed test proxy)")
    parser.add_argument("--max-pages", type=int, default=400, help="per account")
    # The live rooms' index is not linked from the header (people reach a group from an
    # invitation), so the crawl starts there too.
    parser.add_argument(
        "--also", nargs="*", default=["/groups/"], help="other start pages besides /"
    )
    parser.add_argument("--time-limit", type=float, default=300, help="seconds, in all")
    parser.add_argument("--workers", type=int, default=3, help="accounts crawled at once")
    parser.add_argument(
        "--restart-command",
        help="a command that restarts the web processes one at a time; the room must survive it",
    )
    args = parser.parse_args()
    base = args.base.rstrip("/")
    if urllib.parse.urlsplit(base).scheme not in {"http", "https"}:
        parser.error("the base URL must start with https:// or http://")
    context = ssl.create_default_context(cafile=args.ca)
    deadline = time.monotonic() + args.time_limit
    found = {"rooms": set(), "static": set()}
    total = 0
    started = time.monotonic()
    browsers = {}
    try:

        def crawl_as(account: str | None):
            browser = Browser(base, context)
            if account:
                sign_in(browser, account, args.password)
            pages = crawl(
                browser,
                starts=["/", *args.also],
                max_pages=args.max_pages,
                deadline=deadline,
                found=found,
            )
            return account, browser, pages

        # Several accounts at once, so every web process behind the proxy is kept busy.
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
            for account, browser, pages in pool.map(crawl_as, [None, *DEMO_ACCOUNTS]):
                print(f"  {account or 'anonymous'}: {pages} pages, no 5xx", flush=True)
                browsers[account] = browser
                total += pages

        if not found["rooms"]:
            raise Failure("no live session's room was linked from any page")
        room = sorted(found["rooms"])[0]
        facilitator = browsers["facilitator@example.org"]
        welcome = asyncio.run(room_welcome(base, room, facilitator, context))
        print(f"  room {room}: welcome as {welcome['you']['role']}, last_seq {welcome['last_seq']}")

        if not found["static"]:
            raise Failure("no page linked a static file by its hashed name")
        # The NHS.UK stylesheet if linked: the file whose missing source map once broke the build.
        static = sorted(found["static"], key=lambda path: ("nhsuk-frontend" not in path, path))[0]
        anonymous = Browser(base, context)
        status, headers, _, _ = anonymous.fetch(static)
        cache = headers.get("Cache-Control", "")
        if status != 200 or "max-age=31536000" not in cache or "immutable" not in cache:
            raise Failure(f"{static}: {status}, Cache-Control {cache!r}")
        print(f"  {static}: 200, Cache-Control {cache}")

        if args.restart_command:
            report = asyncio.run(
                room_across_restart(
                    base,
                    room,
                    facilitator,
                    browsers["expert@example.org"],
                    context,
                    args.restart_command,
                )
            )
            print(f"  room {room} across a restart of every web process: {report}")

        # strict: in the smoke test every shared service must be up, not merely degraded.
        status, _, text, _ = anonymous.fetch("/health/ready/?strict=1")
        if status != 200:
            raise Failure(f"/health/ready/ answered {status}: {text}")
        print(f"  /health/ready/: {text}")
    except Failure as failure:
        print(f"SMOKE FAILED: {failure}", file=sys.stderr)
        return 1
    print(f"Crawled {total} pages in {time.monotonic() - started:.0f} s; smoke passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
