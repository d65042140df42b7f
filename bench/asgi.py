"""The site's ASGI application plus a bare consumer at /ws/bare/<room>/ that only group_sends
what it receives (no database, no authentication): the baseline the room is compared with."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402

from coproduce.asgi import application as site  # noqa: E402

if os.environ.get("BENCH_OPINIONS_EVERY"):
    # `python -m bench.opinions --room` sets this: the server process also runs a 1,000 × 300
    # opinion analysis every so many seconds on a thread of its own, as the throttled
    # recompute does, so the room's latency can be measured while an analysis runs.
    import threading  # noqa: E402
    import time  # noqa: E402

    from bench.opinions import conversation  # noqa: E402
    from deliberation.opinions.analysis import VoteMatrix  # noqa: E402
    from deliberation.opinions.services import opinions_analyse  # noqa: E402

    def _analyse_forever(every: float) -> None:
        matrix = VoteMatrix.from_arrays(*conversation(1000, 300))
        while True:
            time.sleep(every)
            opinions_analyse(matrix=matrix, previous={})

    threading.Thread(
        target=_analyse_forever,
        args=(float(os.environ["BENCH_OPINIONS_EVERY"]),),
        daemon=True,
    ).start()


class BareConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.group = "bare." + self.scope["path"].rstrip("/").rsplit("/", 1)[-1]
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(self.group, {"type": "bare.message", "text": text_data})

    async def bare_message(self, event):
        await self.send(text_data=event["text"])


_bare = BareConsumer.as_asgi()


async def application(scope, receive, send):
    if scope["type"] == "websocket" and scope["path"].startswith("/ws/bare/"):
        return await _bare(scope, receive, send)
    return await site(scope, receive, send)
