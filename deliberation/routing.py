from django.urls import path

from .consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/rooms/<int:pk>/", RoomConsumer.as_asgi()),
]
