from django.urls import path

from ballots.consumers import BallotConsumer

websocket_urlpatterns = [path("ws/ballots/<int:ballot_id>/", BallotConsumer.as_asgi())]
