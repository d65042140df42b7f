import time

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class HealthConsumer(AsyncJsonWebsocketConsumer):
    """Proves the WebSocket stack end to end: a `ping` is sent through the channel layer to this
    same connection and comes back as `pong`, so a passing check means the layer works too."""

    async def connect(self):
        await self.accept()
        await self.send_json({"type": "hello", "layer": type(self.channel_layer).__name__})

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict) or content.get("type") != "ping":
            await self.send_json({"type": "error", "code": "bad_request"})
            return
        await self.channel_layer.send(
            self.channel_name, {"type": "health.echo", "sent": content.get("sent")}
        )

    async def health_echo(self, event):
        await self.send_json({"type": "pong", "sent": event.get("sent"), "at": time.time()})

    @classmethod
    async def decode_json(cls, text_data):
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None
