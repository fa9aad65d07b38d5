"""Two agencies that exchange documents, in one test database: the Government Office
(Chính phủ, 000.00.00.G01) and the Ministry of Health (Bộ Y tế, 000.00.16.G10), each
knowing the other as a peer at `inbox_url`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archive.models import Record
from exchange.models import Peer
from exchange.services import peer_save
from exchange.wire import own_public_pem
from people.models import Body, Role, User
from tests.factories import BodyFactory, UserFactory, grant

GOVERNMENT_CODE = "000.00.00.G01"
MINISTRY_CODE = "000.00.16.G10"


@dataclass
class Ministry:
    body: Body
    clerk: User  # văn thư: registers what arrives
    handler: User  # chuyên viên: handles it
    minister: User


@dataclass
class Exchange:
    ministry: Ministry
    to_ministry: Peer  # the ministry, as the Government Office knows it
    to_government: Peer  # the Government Office, as the ministry knows it


def ministry_body() -> Ministry:
    body = BodyFactory(name="Bộ Y tế", short_name="BYT", kind="ministry", agency_code=MINISTRY_CODE)
    clerk = UserFactory(username="vanthu.byt", full_name="Lê Văn Thư")
    handler = UserFactory(username="chuyenvien.byt", full_name="Phạm Chuyên")
    return Ministry(
        body=body,
        clerk=grant(clerk, body, Role.SECRETARIAT),
        handler=grant(handler, body, Role.MEMBER),
        minister=grant(UserFactory(username="bt.byt"), body, Role.CHAIR, Role.MEMBER),
    )


def connect(cabinet, pki_dir: Path, base_url: str) -> Exchange:
    """Give the cabinet its agency code and make the two bodies peers of each other."""
    cabinet.body.agency_code = GOVERNMENT_CODE
    cabinet.body.save(update_fields=["agency_code"])
    ministry = ministry_body()
    roots = (pki_dir / "root.pem").read_text()
    inbox = base_url.rstrip("/") + "/exchange/inbox/"
    common = {
        "actor": None,
        "inbox_url": inbox,
        "public_key": own_public_pem(),
        "seal_roots": roots,
    }
    to_ministry = peer_save(body=cabinet.body, code=MINISTRY_CODE, name="Bộ Y tế", **common)
    to_government = peer_save(
        body=ministry.body, code=GOVERNMENT_CODE, name="Văn phòng Chính phủ", **common
    )
    return Exchange(ministry, to_ministry, to_government)


def issued_record(cabinet, signers) -> Record:
    from tests.test_resolutions_archive import _issued

    issued = _issued(cabinet, signers)
    return Record.objects.get(pk=issued.archive_record_id)
