"""How a message reaches a peer. The adapter is chosen by EXCHANGE_TRANSPORT, so an adapter
for the national exchange axis's web service can stand beside this one: it takes the same
signed package and status bodies and answers with the same `Reply`.

`PeerHttps` posts to another e-Cabinet's inbox over HTTPS: the server's certificate is
checked against EXCHANGE_CA_BUNDLE (or the system's store), a client certificate is
presented when EXCHANGE_CLIENT_CERT is set (mutual TLS), and every request is signed
with the system's request key either way (exchange/wire.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class TransportError(Exception):
    """The peer could not be reached or did not answer: try again later."""


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes


class Transport(Protocol):
    def post(self, *, url: str, body: bytes, headers: dict[str, str]) -> Reply: ...


class PeerHttps:
    def post(self, *, url: str, body: bytes, headers: dict[str, str]) -> Reply:
        import requests

        cert = settings.EXCHANGE_CLIENT_CERT or None
        verify = settings.EXCHANGE_CA_BUNDLE or True
        try:
            response = requests.post(
                url,
                data=body,
                headers=headers,
                timeout=(settings.EXCHANGE_CONNECT_TIMEOUT, settings.EXCHANGE_READ_TIMEOUT),
                cert=cert,
                verify=verify,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        return Reply(response.status_code, response.content[:65536])


def transport() -> Transport:
    return import_string(settings.EXCHANGE_TRANSPORT)()


class SameInstance:
    """For peers served by this same deployment (a ministry's body beside the Government's
    on one e-Cabinet): the message goes to the inbox's own services without the network,
    with the same signed headers and the same checks as over HTTPS."""

    def post(self, *, url: str, body: bytes, headers: dict[str, str]) -> Reply:
        from urllib.parse import urlsplit

        from exchange import services, wire

        path = urlsplit(url).path
        receive = services.package_receive if path.endswith("/packages") else None
        try:
            if receive is not None:
                _incoming, new = receive(headers=headers, path=path, data=body)
                return Reply(202 if new else 200, b"")
            services.status_receive(headers=headers, path=path, data=body)
        except wire.Refused as refusal:
            return Reply(refusal.status, refusal.reason.encode())
        return Reply(204, b"")
