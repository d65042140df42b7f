"""WebSocket routes for the whole site; each app contributes its own."""

from django.urls import path

from coproduce.consumers import HealthConsumer
from deliberation.routing import websocket_urlpatterns as deliberation_patterns

websocket_urlpatterns = [
    path("ws/health/", HealthConsumer.as_asgi()),
    *deliberation_patterns,
]
