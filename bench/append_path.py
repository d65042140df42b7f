"""Benchmark: the server's work for one room message, without the network.

    DATABASE_URL=postgres://… REDIS_URL=redis://… python -m bench.append_path [--messages 300]

Calls the consumer's own `receive` (rate limit, validate, rule, lock, append, commit in the
database thread; then the broadcast through the channel layer from the event loop, and the ack)
for `contribution.create` messages from 60 members of one live session, and reports per
message: server time (median, p95), SQL queries, cache operations; then profiles a batch with
pyinstrument and prints the slowest frames. Uses a database of its own next to DATABASE_URL's
(`test_<name>_append`, kept between runs so only the first run migrates; `--drop` removes it).
Writes bench/results-append.json under `--label` (for example "before" and "after" a change).

The machine is shared: every figure is printed with the load average at the time."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_JSON = ROOT / "bench" / "results-append.json"
MEMBERS = 60


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class Counting:
    """Counts calls to the cache's methods (each one Redis round trip with REDIS_URL set)."""

    METHODS = ("add", "incr", "get", "set", "get_many", "delete")

    def __init__(self, cache):
        self.cache = cache
        self.calls = 0
        self.saved = {}

    def __enter__(self):
        for name in self.METHODS:
            original = getattr(self.cache, name)
            self.saved[name] = original

            def counted(*args, _original=original, **kwargs):
                self.calls += 1
                return _original(*args, **kwargs)

            setattr(self.cache, name, counted)
        return self

    def __exit__(self, *exc):
        for name, original in self.saved.items():
            setattr(self.cache, name, original)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--label", default="current")
    parser.add_argument("--drop", action="store_true")
    args = parser.parse_args(argv)
    setup_django()

    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    name = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_{name}_append"
    connection.creation.create_test_db(verbosity=0, keepdb=True, serialize=False)
    try:
        from deliberation.consumers import RoomConsumer
        from deliberation.models import Session
        from tests import factories

        run = uuid.uuid4().hex[:8]  # the database is kept between runs
        facilitator = factories.UserFactory(
            email=f"bench-{run}-f@example.org", display_name="Bench facilitator"
        )
        members = [
            factories.UserFactory(email=f"bench-{run}-{n}@example.org", display_name=f"Bench {n}")
            for n in range(MEMBERS)
        ]
        group = factories.CoproductionGroupFactory(
            name=f"Bench group {run}",
            slug=f"bench-{run}",
            members=members,
            facilitators=[facilitator],
        )
        session = factories.SessionFactory(group=group)
        session = Session.objects.select_related("group").get(pk=session.pk)

        import asyncio

        from channels.layers import get_channel_layer

        from deliberation import services

        layer = get_channel_layer()
        queries_in_thread: list[int] = []

        def consumer_for(user) -> RoomConsumer:
            """A room connection as daphne makes one, joined, its replies kept (no network)."""
            consumer = RoomConsumer()
            consumer.user, consumer.session, consumer.joined = user, session, True
            consumer.channel_layer, consumer.channel_name = layer, f"bench.{user.pk}"
            consumer.scope = {"type": "websocket", "user": user}
            consumer.replies = []

            async def send(text_data=None, bytes_data=None, close=False):
                consumer.replies.append(json.loads(text_data))

            answer = consumer._answer

            def counted(text):  # in the database thread, where the queries are made
                with CaptureQueriesContext(connection) as captured:
                    reply = answer(text)
                queries_in_thread.append(len(captured.captured_queries))
                consumer.sql = [q["sql"].split(" WHERE")[0][:90] for q in captured]
                return reply

            consumer.send, consumer._answer = send, counted
            return consumer

        consumers = [consumer_for(user) for user in members]

        def message(index: int) -> tuple[RoomConsumer, str]:
            text = json.dumps(
                {
                    "type": "contribution.create",
                    "client_id": uuid.uuid4().hex,
                    "text": f"Point {index}: evening cover matters most.",
                }
            )
            return consumers[index % MEMBERS], text

        async def one(index: int) -> dict:
            """The consumer's whole work for a message: `receive` (the database thread's part,
            then the broadcast from the event loop, then the reply)."""
            consumer, text = message(index)
            await consumer.receive(text_data=text)
            return consumer.replies[-1]

        times, cache_ops = [], []
        cache = caches["default"]

        async def timed():
            # Warm up (connections, caches, imports).
            for index in range(20):
                await one(index)
            await asyncio.sleep(1)
            for index in range(args.messages):
                if index and index % (MEMBERS * 5) == 0:
                    await asyncio.sleep(10)  # the rate limit: 10 messages per person per 10 s
                with Counting(cache) as counted:
                    started = time.perf_counter()
                    reply = await one(index)
                    times.append(time.perf_counter() - started)
                assert reply and reply["type"] == "ack", reply
                cache_ops.append(counted.calls)

        asyncio.run(timed())
        queries = queries_in_thread[20:]
        sql = consumers[(args.messages - 1) % MEMBERS].sql

        from pyinstrument import Profiler

        # The profile is of the database thread's part (validate, rule, lock, append, commit),
        # run here in the main thread so the profiler sees it; its broadcasts are deferred.
        time.sleep(10)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for index in range(min(args.messages, MEMBERS * 5)):
            consumer, text = message(index)
            with services.broadcasts_deferred():
                RoomConsumer._answer(consumer, text)
        profiler.stop()

        times.sort()
        result = {
            "label": args.label,
            "messages": args.messages,
            "load_average": os.getloadavg(),
            "median_ms": round(statistics.median(times) * 1000, 2),
            "p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 2),
            "sql_queries_per_message": statistics.median(queries),
            "cache_ops_per_message": statistics.median(cache_ops),
            "sql_of_last_message": sql,
        }
        print(json.dumps(result, indent=2))
        print(profiler.output_text(unicode=True, color=False, show_all=False)[:6000])
        stored = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
        stored[args.label] = result
        RESULTS_JSON.write_text(json.dumps(stored, indent=2) + "\n")
    finally:
        if args.drop:
            connection.creation.destroy_test_db(name, verbosity=0, keepdb=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
