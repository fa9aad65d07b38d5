"""Sending issued documents to other agencies and receiving theirs (docs/exchange.md).

Sending: `dispatch_create` builds one sealed package per recipient (the seal's PIN is
asked of the person who sends) and stores it as an outbox row in the same transaction;
`outbox_run` tries every row that is due, outside any transaction, and records what the
peer answered. A row whose peer could not be reached is tried again later, each time
waiting twice as long (EXCHANGE_RETRY_SECONDS up to EXCHANGE_RETRY_MAX_SECONDS); the
package's document id makes a retry harmless, as the recipient takes it once.

Receiving: `package_receive` checks a package completely (the request's signature, size,
XML without DTD, schema, both agencies' codes, the seal's XML signature, the attachment's
SHA-256, the PDF's signatures) before anything is stored; it is then stored, and the
"received" status queued back to the sender, in one transaction. What the secretariat
and the handler do next (register, assign, process, complete) each queues its status.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.models import Record
from archive.search import fold
from ecabinet import audit
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from exchange import wire
from exchange.models import STATUS_ORDER, Dispatch, Incoming, Peer, Status, StatusEntry, StatusOut
from people.models import Body, User
from people.selectors import body_people
from registers.access import ensure_can_register

log = logging.getLogger(__name__)

INCOMING_STATUS = {
    Incoming.State.REGISTERED: Status.REGISTERED,
    Incoming.State.ASSIGNED: Status.ASSIGNED,
    Incoming.State.PROCESSING: Status.PROCESSING,
    Incoming.State.COMPLETED: Status.COMPLETED,
}


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait before the next try, after `attempts` failed ones."""
    base = settings.EXCHANGE_RETRY_SECONDS
    return dt.timedelta(
        seconds=min(base * 2 ** max(attempts - 1, 0), settings.EXCHANGE_RETRY_MAX_SECONDS)
    )


# ---- peers ------------------------------------------------------------------------------------


@transaction.atomic
def peer_save(
    *,
    actor: User | None,
    body: Body,
    code: str,
    name: str,
    inbox_url: str,
    public_key: str,
    seal_roots: str,
) -> Peer:
    """Add a peer, or change the address and keys of a known one (by its agency code)."""
    from cryptography.hazmat.primitives import serialization
    from django.core.exceptions import ValidationError

    peer = Peer.objects.filter(body=body, code=code).first() or Peer(body=body, code=code)
    peer.name, peer.inbox_url = " ".join(name.split()), inbox_url.strip()
    peer.public_key, peer.seal_roots, peer.active = public_key.strip(), seal_roots.strip(), True
    try:
        peer.full_clean()
        serialization.load_pem_public_key(peer.public_key.encode())
    except (ValidationError, ValueError) as exc:
        raise Invalid(_("The peer's details are not valid: %(why)s") % {"why": exc}) from None
    if peer.seal_roots and "BEGIN CERTIFICATE" not in peer.seal_roots:
        raise Invalid(_("Give the certificates the peer's seal chains to (PEM)."))
    created = peer.pk is None
    peer.save()
    audit.record(
        actor=actor,
        action="exchange.peer_added" if created else "exchange.peer_changed",
        target=peer,
        body_id=body.pk,
        details={"code": peer.code, "inbox_url": peer.inbox_url},
    )
    return peer


# ---- sending ----------------------------------------------------------------------------------


def dispatch_create(
    *, actor: User, record: Record, peers: Iterable[Peer], pin: str
) -> list[Dispatch]:
    """Send an issued document to `peers`: one package each, sealed with the PIN given.
    A peer the document was already sent to is not sent it again."""
    from archive.edxml import envelope_build
    from archive.services import record_read
    from signing.selectors import seal_key_of_body

    ensure_can_register(user=actor, body=record.body)
    peers = list(peers)
    if not peers:
        message = _("Choose at least one recipient.")
        raise Invalid(message, fields={"peers": [message]})
    if any(p.body_id != record.body_id or not p.active for p in peers):
        raise Invalid(_("A recipient is not one of this body's exchange peers."))
    if not record.body.agency_code:
        raise Conflict(_("The body has no agency code to send under."))
    if not pin:
        message = _("Enter the seal's PIN.")
        raise Invalid(message, fields={"pin": [message]})
    if seal_key_of_body(record.body) is None:
        raise Conflict(_("The body has no seal to sign the packages with."))
    pdf = record_read(actor=actor, record=record, purpose="exchange")
    packages = []
    for peer in peers:
        if Dispatch.objects.filter(peer=peer, record=record).exists():
            continue
        data = envelope_build(
            record=record,
            pdf=pdf,
            to_name=peer.name,
            to_code=peer.code,
            seal_pin=pin,
            actor=actor,
        )
        packages.append((peer, data))
    return _dispatch_store(actor=actor, record=record, packages=packages)


@transaction.atomic
def _dispatch_store(*, actor: User, record: Record, packages: list) -> list[Dispatch]:
    from archive.edxml import document_id

    now, made = timezone.now(), []
    for peer, data in packages:
        dispatch = Dispatch(
            body=record.body,
            peer=peer,
            record=record,
            document_id=document_id(record),
            number_symbol=record.number,
            subject=record.title[:500],
            package_sha256=hashlib.sha256(data).hexdigest(),
            next_attempt_at=now,
            created_by=actor,
        )
        dispatch.package.save(f"{record.pk}-{peer.code}.xml", ContentFile(data), save=False)
        try:
            with transaction.atomic():
                dispatch.save()
        except IntegrityError:
            continue  # sent to this peer by a request that raced this one
        audit.record(
            actor=actor,
            action="exchange.sent",
            target=dispatch,
            body_id=record.body_id,
            details={"peer": peer.code, "document_id": dispatch.document_id, "record": record.pk},
        )
        made.append(dispatch)
    if made:
        transaction.on_commit(_kick)
    return made


def _kick() -> None:
    from exchange.tasks import exchange_outbox_task

    try:
        exchange_outbox_task.enqueue()
    except Exception:  # the sweep tries again; sending now is only quicker
        log.exception("exchange: the outbox could not be started now")


def _claim(model, pk: int, *, now: dt.datetime, lease: dt.timedelta) -> bool:
    """Take the row for one try: only one worker wins, and a worker that dies leaves the
    row due again after the lease."""
    return bool(
        model.objects.filter(pk=pk, next_attempt_at__lte=now, sent_at__isnull=True).update(
            next_attempt_at=now + lease
        )
    )


def _post(peer: Peer, kind: str, body: bytes, sender: str):
    from exchange.transport import transport

    url = peer.inbox_url.rstrip("/") + "/" + kind
    headers = wire.request_headers(path=urlsplit(url).path, body=body, sender=sender, to=peer.code)
    return transport().post(url=url, body=body, headers=headers)


def _failed(model, pk: int, attempts: int, error: str) -> None:
    log.warning("exchange: %s %s not delivered (try %d): %s", model.__name__, pk, attempts, error)
    model.objects.filter(pk=pk).update(
        attempts=attempts,
        next_attempt_at=timezone.now() + backoff(attempts),
        last_error=error[:500],
    )


def outbox_run(*, limit: int = 50) -> dict[str, int]:
    """Try every package and status message that is due; what was sent, refused, failed."""
    from exchange.transport import TransportError

    now, lease = timezone.now(), dt.timedelta(seconds=settings.EXCHANGE_LEASE_SECONDS)
    counts = {"sent": 0, "refused": 0, "failed": 0}
    due = Dispatch.objects.filter(state=Dispatch.State.QUEUED, next_attempt_at__lte=now)
    for dispatch in due.select_related("peer", "body").order_by("next_attempt_at")[:limit]:
        if not _claim(Dispatch, dispatch.pk, now=now, lease=lease):
            continue
        with dispatch.package.open("rb") as handle:
            data = handle.read()
        try:
            reply = _post(dispatch.peer, "packages", data, dispatch.body.agency_code)
        except TransportError as exc:
            _failed(Dispatch, dispatch.pk, dispatch.attempts + 1, str(exc))
            counts["failed"] += 1
            continue
        outcome = _dispatch_answered(dispatch=dispatch, status=reply.status, body=reply.body)
        counts[outcome] += 1
    due_statuses = StatusOut.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
    for status in due_statuses.select_related("incoming__sender", "incoming__body")[:limit]:
        if not _claim(StatusOut, status.pk, now=now, lease=lease):
            continue
        incoming = status.incoming
        body = wire.status_build(
            wire.StatusMessage(
                sender_code=incoming.body.agency_code,
                sender_name=incoming.body.name,
                document_id=incoming.document_id,
                code=status.code,
                reason=status.reason,
                staff=status.staff,
                moment=status.created_at,
            )
        )
        try:
            reply = _post(incoming.sender, "statuses", body, incoming.body.agency_code)
        except TransportError as exc:
            _failed(StatusOut, status.pk, status.attempts + 1, str(exc))
            counts["failed"] += 1
            continue
        if 200 <= reply.status < 300 or reply.status in (400, 404, 409):
            # Taken, or refused for good (a retry would be refused the same way).
            StatusOut.objects.filter(pk=status.pk).update(
                sent_at=timezone.now(),
                attempts=status.attempts + 1,
                last_error="" if reply.status < 300 else _reason(reply.body)[:500],
            )
            counts["sent" if reply.status < 300 else "refused"] += 1
        else:
            _failed(StatusOut, status.pk, status.attempts + 1, f"HTTP {reply.status}")
            counts["failed"] += 1
    return counts


def _reason(body: bytes) -> str:
    try:
        return wire.status_read(body).reason
    except wire.Refused:
        return body[:300].decode("utf-8", "replace")


@transaction.atomic
def _dispatch_answered(*, dispatch: Dispatch, status: int, body: bytes) -> str:
    dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    attempts = dispatch.attempts + 1
    if 200 <= status < 300:
        dispatch.state, dispatch.sent_at, dispatch.last_error = (
            Dispatch.State.DELIVERED,
            timezone.now(),
            "",
        )
        dispatch.attempts = attempts
        dispatch.save(update_fields=["state", "sent_at", "last_error", "attempts"])
        return "sent"
    if 400 <= status < 500 and status not in (408, 429):
        reason = _reason(body) or f"HTTP {status}"
        dispatch.state, dispatch.attempts = Dispatch.State.REFUSED, attempts
        dispatch.sent_at, dispatch.last_error = timezone.now(), reason[:500]
        dispatch.save(update_fields=["state", "sent_at", "last_error", "attempts"])
        _status_store(dispatch, code=Status.REFUSED, reason=reason, staff="", moment=timezone.now())
        log.warning(
            "exchange: %s refused by %s: %s", dispatch.document_id, dispatch.peer.code, reason
        )
        return "refused"
    dispatch.attempts, dispatch.last_error = attempts, f"HTTP {status}"
    dispatch.next_attempt_at = timezone.now() + backoff(attempts)
    dispatch.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    log.warning("exchange: %s to %s: HTTP %s", dispatch.document_id, dispatch.peer.code, status)
    return "failed"


def _status_store(dispatch: Dispatch, *, code: str, reason: str, staff: str, moment) -> bool:
    """Keep a status once; the dispatch shows the furthest one reached."""
    if StatusEntry.objects.filter(dispatch=dispatch, code=code).exists():
        return False
    StatusEntry.objects.create(
        dispatch=dispatch, code=code, reason=reason, staff=staff, stated_at=moment
    )
    if not dispatch.status or STATUS_ORDER[code] > STATUS_ORDER[dispatch.status]:
        dispatch.status, dispatch.status_reason, dispatch.status_at = code, reason, moment
        dispatch.save(update_fields=["status", "status_reason", "status_at"])
    audit.record(
        actor=None,
        action="exchange.status_received",
        target=dispatch,
        body_id=dispatch.body_id,
        details={"peer": dispatch.peer.code, "code": code, "reason": reason},
    )
    return True


# ---- receiving --------------------------------------------------------------------------------


def _peer_of_request(headers: dict[str, str]) -> tuple[Body, Peer]:
    to, sender = headers.get(wire.HEADER_TO, ""), headers.get(wire.HEADER_FROM, "")
    body = Body.objects.filter(agency_code=to).exclude(agency_code="").first() if to else None
    if body is None:
        raise wire.Refused(_("No agency here has the code %(code)s.") % {"code": to}, status=404)
    peer = Peer.objects.filter(body=body, code=sender, active=True).first() if sender else None
    if peer is None:
        raise wire.Refused(
            _("The sender %(code)s is not known to this agency.") % {"code": sender}, status=403
        )
    return body, peer


def _authenticated(*, headers: dict[str, str], path: str, data: bytes) -> tuple[Body, Peer]:
    """The body addressed and the peer that signed the request. A request that proves
    nothing is logged, not audited: nobody can fill the audit trail from outside."""
    try:
        if len(data) > settings.EXCHANGE_MAX_BYTES:
            raise wire.Refused(_("The message is too large."), status=413)
        body, peer = _peer_of_request(headers)
        wire.request_check(
            public_pem=peer.public_key, headers=headers, path=path, body=data, now=timezone.now()
        )
    except wire.Refused as refusal:
        log.warning(
            "exchange: request to %s from %r refused: %s",
            path,
            headers.get(wire.HEADER_FROM, "")[:20],
            refusal.reason,
        )
        raise
    return body, peer


def package_receive(*, headers: dict[str, str], path: str, data: bytes) -> tuple[Incoming, bool]:
    """Take a package from a peer: (the incoming document, whether it is new). A package
    sent again with the same document id and bytes is the same one; other bytes under a
    document id already received are refused. Raises `wire.Refused`."""
    body, peer = _authenticated(headers=headers, path=path, data=data)
    try:
        package = wire.package_read(data)
        if package.sender_code != peer.code or package.to_code != body.agency_code:
            raise wire.Refused(_("The package's From and To do not match the request's agencies."))
        sha256 = hashlib.sha256(data).hexdigest()
        known = Incoming.objects.filter(sender=peer, document_id=package.document_id).first()
        if known is not None:
            if known.package_sha256 == sha256:
                return known, False
            raise wire.Refused(
                _("A different document with the id %(id)s was already received.")
                % {"id": package.document_id},
                status=409,
            )
        if not peer.seal_roots:
            raise wire.Refused(_("This agency holds no trusted roots for the sender's seal."))
        wire.package_check_signatures(data, package, roots_pem=peer.seal_roots)
        return _incoming_store(body=body, peer=peer, package=package, data=data, sha256=sha256)
    except wire.Refused as refusal:
        _refused(body=body, peer=peer, reason=refusal.reason, what="package")
        raise


def _refused(*, body: Body, peer: Peer, reason: str, what: str) -> None:
    log.warning("exchange: %s from %s refused: %s", what, peer.code, reason)
    with transaction.atomic():
        audit.record(
            actor=None,
            action=f"exchange.{what}_refused",
            target=peer,
            body_id=body.pk,
            details={"peer": peer.code, "reason": reason},
        )


@transaction.atomic
def _incoming_store(
    *, body: Body, peer: Peer, package: wire.Package, data: bytes, sha256: str
) -> tuple[Incoming, bool]:
    incoming = Incoming(
        body=body,
        sender=peer,
        document_id=package.document_id,
        number_symbol=package.number_symbol[:100],
        type_name=package.type_name,
        subject=package.subject or package.number_symbol,
        promulgation_date=package.promulgation_date,
        signers="; ".join(package.signers)[:500],
        package_sha256=sha256,
        pdf_name=package.pdf_name,
        pdf_sha256=package.pdf_sha256,
    )
    incoming.package.save(f"{peer.code}-{sha256[:16]}.xml", ContentFile(data), save=False)
    incoming.pdf.save(
        f"{peer.code}-{package.pdf_sha256[:16]}.pdf", ContentFile(package.pdf), save=False
    )
    try:
        with transaction.atomic():
            incoming.save()
    except IntegrityError:  # the same package, taken by a request that raced this one
        return Incoming.objects.get(sender=peer, document_id=package.document_id), False
    audit.record(
        actor=None,
        action="exchange.received",
        target=incoming,
        body_id=body.pk,
        details={
            "peer": peer.code,
            "document_id": incoming.document_id,
            "number_symbol": incoming.number_symbol,
            "sha256": incoming.pdf_sha256,
        },
    )
    _status_queue(incoming, Status.RECEIVED, actor=None)
    return incoming, True


def _status_queue(incoming: Incoming, code: str, *, actor: User | None, reason: str = "") -> None:
    staff = (actor.full_name or actor.get_username()) if actor is not None else ""
    StatusOut.objects.get_or_create(
        incoming=incoming,
        code=code,
        defaults={"reason": reason, "staff": staff, "next_attempt_at": timezone.now()},
    )
    transaction.on_commit(_kick)


def status_receive(*, headers: dict[str, str], path: str, data: bytes) -> StatusEntry | None:
    """Take a status message about a document sent from here. Raises `wire.Refused`."""
    body, peer = _authenticated(headers=headers, path=path, data=data)
    try:
        message = wire.status_read(data)
        if message.sender_code != peer.code:
            raise wire.Refused(_("The status message's sender does not match the request's."))
        with transaction.atomic():
            dispatch = (
                Dispatch.objects.select_for_update()
                .filter(body=body, peer=peer, document_id=message.document_id)
                .first()
            )
            if dispatch is None:
                raise wire.Refused(_("No document with this id was sent to you."), status=404)
            _status_store(
                dispatch,
                code=message.code,
                reason=message.reason,
                staff=message.staff,
                moment=message.moment,
            )
            return dispatch.statuses.filter(code=message.code).first()
    except wire.Refused as refusal:
        _refused(body=body, peer=peer, reason=refusal.reason, what="status")
        raise


# ---- what the recipient does ------------------------------------------------------------------


def _lock_incoming(incoming_id: int) -> Incoming:
    try:
        return (
            Incoming.objects.select_for_update()
            .select_related("body", "sender")
            .get(pk=incoming_id)
        )
    except Incoming.DoesNotExist:
        raise NotFound(_("Document not found.")) from None


def _doc_type(type_name: str) -> str:
    """The register's document type for the package's TypeName ("Nghị quyết")."""
    from documents.models import DocumentType

    wanted = type_name.strip().lower()
    for value, _label in DocumentType.choices:
        if value.replace("_", " ") == fold(wanted):
            return value
    return DocumentType.OTHER


@transaction.atomic
def incoming_register(*, actor: User, incoming: Incoming, handler: User | None = None) -> Incoming:
    """Enter a received document in the incoming register (sổ văn bản đến)."""
    from registers.services import register_receive

    incoming = _lock_incoming(incoming.pk)
    ensure_can_register(user=actor, body=incoming.body)
    if incoming.register_entry_id:
        raise Conflict(_("This document is already registered."))
    doc_type = _doc_type(incoming.type_name)
    entry = register_receive(
        actor=actor,
        body=incoming.body,
        sender=incoming.sender.name,
        number_symbol=incoming.number_symbol,
        document_date=incoming.promulgation_date,
        doc_type=doc_type,
        summary=incoming.subject,
        handler=handler,
        note=_("Received over the exchange from %(code)s") % {"code": incoming.sender.code},
    )
    incoming.register_entry, incoming.state = entry, Incoming.State.REGISTERED
    incoming.save(update_fields=["register_entry", "state"])
    _status_queue(incoming, Status.REGISTERED, actor=actor)
    if handler is not None:
        _assign(actor=actor, incoming=incoming, handler=handler)
    return incoming


def _assign(*, actor: User, incoming: Incoming, handler: User) -> None:
    if not body_people(body=incoming.body).filter(pk=handler.pk).exists():
        message = _("The person who handles it must serve in the body.")
        raise Invalid(message, fields={"handler": [message]})
    incoming.handler, incoming.state = handler, Incoming.State.ASSIGNED
    incoming.save(update_fields=["handler", "state"])
    audit.record(
        actor=actor,
        action="exchange.assigned",
        target=incoming,
        body_id=incoming.body_id,
        details={"handler": handler.pk},
    )
    _status_queue(incoming, Status.ASSIGNED, actor=actor)


@transaction.atomic
def incoming_assign(*, actor: User, incoming: Incoming, handler: User) -> Incoming:
    incoming = _lock_incoming(incoming.pk)
    ensure_can_register(user=actor, body=incoming.body)
    if incoming.state != Incoming.State.REGISTERED:
        raise Conflict(_("A document is assigned once, after it is registered."))
    _assign(actor=actor, incoming=incoming, handler=handler)
    return incoming


@transaction.atomic
def incoming_progress(*, actor: User, incoming: Incoming, state: str) -> Incoming:
    """The handler reports the document being processed, then completed."""
    incoming = _lock_incoming(incoming.pk)
    if incoming.handler_id != actor.pk:
        raise NotAllowed(_("Only the person it is assigned to reports on it."))
    allowed = {
        Incoming.State.PROCESSING: {Incoming.State.ASSIGNED},
        Incoming.State.COMPLETED: {Incoming.State.ASSIGNED, Incoming.State.PROCESSING},
    }
    if state not in allowed:
        raise Invalid(_("Choose processing or completed."))
    if incoming.state not in allowed[state]:
        raise Conflict(_("This step does not follow from the document's state."))
    incoming.state = state
    incoming.save(update_fields=["state"])
    audit.record(actor=actor, action=f"exchange.{state}", target=incoming, body_id=incoming.body_id)
    _status_queue(incoming, INCOMING_STATUS[state], actor=actor)
    return incoming


def incoming_pdf_read(*, actor: User, incoming: Incoming) -> bytes:
    """The received PDF, checked against the SHA-256 it arrived with (the caller checked
    that `actor` may see it: exchange.selectors.incoming_get)."""
    with incoming.pdf.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != incoming.pdf_sha256:
        with transaction.atomic():
            audit.record(
                actor=actor,
                action="exchange.integrity_failed",
                target=incoming,
                body_id=incoming.body_id,
            )
        raise Conflict(_("The stored file does not match its fingerprint; it has been reported."))
    return data
