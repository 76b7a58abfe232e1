"""Delivery of queued requests to the city's central 311 service, and its catalogue for offline use.

One request at a time: it is claimed (a lease, its attempt counted, marked in flight) and committed
BEFORE anything goes on the network, so a process killed at any moment leaves a row that says what may
have happened. A request found in flight is first looked for on the server (by the reference in its
description) and only sent again when it is not there. Retries back off exponentially with jitter and
honour Retry-After; a refusal that will not change waits for a person; a 403 pauses delivery for an admin.
Several workers (one per kiosk, on a shared PostgreSQL) can run at once: the lease keeps them apart.
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kiosk.domain.requests import (
    RequestState,
    ServiceRequest,
    SyncStatus,
    backoff,
    carries_reference,
)
from kiosk.services.context import ServiceContext
from kiosk.services.ports import (
    Created,
    Forbidden,
    NewRequest,
    Open311Client,
    Rejected,
    Transient,
    Uncertain,
)
from kiosk.services.requests import definition_to_json, service_to_json

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # longer than any client call with its timeouts
PAUSE_ON_FORBIDDEN = timedelta(minutes=30)
SEARCH_MARGIN = timedelta(minutes=10)  # server clocks differ from ours


@dataclass
class SyncReport:
    sent: int = 0
    reconciled: int = 0  # found on the server after an uncertain attempt: not sent twice
    retried: int = 0
    refused: int = 0
    tokens_resolved: int = 0
    paused: bool = False
    error: str = ""
    contacted: bool = False  # the server answered at least once this round
    statuses_updated: int = 0  # sent requests whose status at the city changed


def status(ctx: ServiceContext) -> tuple[SyncStatus, dict[RequestState, int]]:
    with ctx.uow() as uow:
        return uow.requests.sync_status(), uow.requests.counts()


def resume(ctx: ServiceContext) -> None:
    """An admin fixed the api key: deliver again now."""
    with ctx.uow(write=True) as uow:
        current = uow.requests.sync_status()
        uow.requests.save_sync_status(replace(current, paused_until=None, paused_reason=""))
        uow.request_changes.bump()
        uow.commit()


BATCH = 100  # requests claimed (and settled) per transaction: two durable commits per request were most of the time
CALL_BUDGET = timedelta(seconds=30)  # the longest one request can take (search and create, with timeouts)


@dataclass
class _Outcome:
    """What became of one claimed request, written back with the rest of its batch."""

    request: ServiceRequest
    kind: str  # sent | settle | release (claimed but never tried: the round stopped first)
    created: Created | None = None
    in_flight: bool = False
    error: str = ""
    next_attempt: datetime | None = None
    state: RequestState = RequestState.QUEUED


def sync_once(
    ctx: ServiceContext,
    client: Open311Client,
    device_id: str = "",
    limit: int = 500,
    rng: random.Random | None = None,
) -> SyncReport:
    """Send what is due (stopping at the first sign the server is unwell), then resolve batch tokens.

    Requests are claimed a batch at a time (all marked in flight, committed before the first is sent)
    and settled together after the batch: a crash in between leaves them in flight, and each is then
    looked for on the server before it is sent again, so batching changes the cost, not the guarantee.
    """
    report = SyncReport()
    now = ctx.now()
    with ctx.uow() as uow:
        if uow.requests.sync_status().paused(now):
            report.paused = True
            return report
    handled, stop = 0, False
    while handled < limit and not stop:
        claimed = _claim(ctx, min(BATCH, limit - handled))
        if not claimed:
            break
        outcomes: list[_Outcome] = []
        forbidden: Forbidden | None = None
        for position, (request, uncertain) in enumerate(claimed):
            if ctx.now() + CALL_BUDGET > request.lease_until:
                # A slow server: the lease would run out mid-call and another worker could send it too.
                outcomes += [_Outcome(r, "release", in_flight=u) for r, u in claimed[position:]]
                break
            outcome, stop, forbidden = _deliver(ctx, client, request, uncertain, device_id, rng, report)
            outcomes.append(outcome)
            if stop:
                outcomes += [_Outcome(r, "release", in_flight=u) for r, u in claimed[position + 1 :]]
                break
        _apply(ctx, outcomes)
        if forbidden is not None:
            _pause(ctx, forbidden)
        handled += len(claimed)
    if not report.paused and not report.error:
        report.tokens_resolved = _resolve_tokens(ctx, client)
        report.statuses_updated = _refresh_statuses(ctx, client)
    _record(ctx, report)
    return report


def _deliver(
    ctx, client, request, uncertain, device_id, rng, report
) -> tuple[_Outcome, bool, Forbidden | None]:
    """Send one claimed request; returns its outcome, whether the round must stop, and a 403 if any."""
    looking = uncertain  # until the search answers, an earlier attempt may be on the server
    try:
        found = _find_earlier_attempt(client, request, ctx) if uncertain else None
        looking = False
        created = Created(service_request_id=found) if found else client.create(_to_send(request, device_id))
    except Forbidden as exc:
        report.paused, report.error = True, _describe(exc)
        outcome = _Outcome(request, "settle", in_flight=looking, error=_describe(exc), next_attempt=ctx.now())
        return outcome, True, exc
    except Rejected as exc:
        report.refused += 1
        report.contacted = True
        outcome = _Outcome(
            request, "settle", in_flight=looking, error=_describe(exc), state=RequestState.NEEDS_PERSON
        )
        return outcome, False, None
    except Transient as exc:
        # A refused connection or a 429 reached nobody; anything else may have been stored.
        maybe_stored = isinstance(exc, Uncertain) or (exc.status is not None and exc.status >= 500)
        report.retried += 1
        report.error = _describe(exc)
        outcome = _Outcome(
            request,
            "settle",
            in_flight=uncertain or maybe_stored,
            error=_describe(exc),
            next_attempt=ctx.now() + backoff(request.attempts, exc.retry_after, rng),
        )
        return outcome, True, None  # the server is unwell: the rest waits rather than hammering it
    report.contacted = True
    if found:
        report.reconciled += 1
    else:
        report.sent += 1
    return _Outcome(request, "sent", created=created), False, None


def refresh_catalogue(ctx: ServiceContext, client: Open311Client) -> int:
    """Fetch the services and their definitions; kept so the kiosk can offer them with the network down.

    A definition that cannot be fetched keeps the one fetched before, so a flaky server never empties a form.
    """
    with ctx.uow() as uow:
        previous = {data["code"]: definition for data, definition in uow.requests.catalogue()}
    entries = []
    for service in client.services():
        definition = previous.get(service.code)
        if service.metadata:
            try:
                definition = definition_to_json(client.definition(service.code))
            except Transient as exc:
                log.warning("Definition of %s not fetched (%s); keeping the previous one", service.code, exc)
        entries.append((service_to_json(service), definition))
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        uow.requests.replace_catalogue(entries, now)
        uow.requests.save_sync_status(
            replace(uow.requests.sync_status(), catalogue_fetched_at=now, last_success_at=now)
        )
        uow.request_changes.bump()
        uow.commit()
    return len(entries)


# -- the steps, each its own transaction ----------------------------------------------------------------
def _claim(ctx: ServiceContext, limit: int) -> list[tuple[ServiceRequest, bool]]:
    """Due requests, each leased, counted and marked in flight; committed before anything is sent."""
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        claimed = [
            (replace(r, lease_until=now + LEASE, attempts=r.attempts + 1, in_flight=True), r.in_flight)
            for r in uow.requests.claim_due(now, limit)
        ]
        uow.requests.save_many([leased for leased, _was_in_flight in claimed])
        uow.commit()
    return claimed


def _apply(ctx: ServiceContext, outcomes: list[_Outcome]) -> None:
    """Write back a batch's outcomes in one transaction."""
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        rows = uow.requests.get_many([outcome.request.id for outcome in outcomes])
        changes = []
        for outcome in outcomes:
            current = rows.get(outcome.request.id)
            if current is None or current.state != RequestState.QUEUED:
                continue
            if outcome.kind == "sent":
                created = outcome.created
                changed = replace(
                    current,
                    state=RequestState.SENT,
                    remote_id=created.service_request_id,
                    token=created.token,
                    service_notice=created.service_notice or "",
                    in_flight=False,
                    lease_until=None,
                    next_attempt_at=None,
                    last_error="",
                    sent_at=now,
                    updated_at=now,
                )
            elif outcome.kind == "release":
                # Never tried this round: as it was before the claim.
                changed = replace(
                    current,
                    attempts=max(0, current.attempts - 1),
                    in_flight=outcome.in_flight,
                    lease_until=None,
                )
            else:
                changed = replace(
                    current,
                    state=outcome.state,
                    in_flight=outcome.in_flight,
                    lease_until=None,
                    last_error=outcome.error,
                    next_attempt_at=outcome.next_attempt,
                    updated_at=now,
                )
            changes.append(changed)
        uow.requests.save_many(changes)
        uow.request_changes.bump()
        uow.commit()


def _find_earlier_attempt(client: Open311Client, request: ServiceRequest, ctx: ServiceContext) -> str | None:
    """The id of this request on the server if an earlier, unanswered attempt did arrive."""
    start = request.created_at - SEARCH_MARGIN
    end = ctx.now() + SEARCH_MARGIN
    for remote in client.find(service_code=request.service_code, start=start, end=end):
        if carries_reference(remote.description, request.reference):
            log.info("Request %s was already filed as %s", request.reference, remote.service_request_id)
            return remote.service_request_id
    return None


def _resolve_tokens(ctx: ServiceContext, client: Open311Client) -> int:
    with ctx.uow() as uow:
        waiting = uow.requests.awaiting_token()
    resolved = 0
    report_contacted = False
    for request in waiting:
        if not request.token:
            continue
        try:
            remote_id = client.resolve_token(request.token)
        except (Transient, Rejected) as exc:
            log.info("Token of %s not resolved yet: %s", request.reference, exc)
            break
        report_contacted = True
        if remote_id:
            with ctx.uow(write=True) as uow:
                current = uow.requests.get(request.id)
                if current is not None and current.remote_id is None:
                    uow.requests.save(replace(current, remote_id=remote_id, updated_at=ctx.now()))
                    uow.request_changes.bump()
                    uow.commit()
                    resolved += 1
    if report_contacted:
        _record_success(ctx)
    return resolved


STATUS_BATCH = 50  # ids per requests.json call
STATUS_EVERY = timedelta(minutes=10)


def _refresh_statuses(ctx: ServiceContext, client: Open311Client) -> int:
    """What the city says of requests already sent (open, closed, notes), for "Check on a request".

    Each request is asked about at most every STATUS_EVERY, newest first; closed ones are not asked again.
    """
    now = ctx.now()
    with ctx.uow() as uow:
        candidates = [
            r
            for r in uow.requests.in_state([RequestState.SENT], limit=STATUS_BATCH * 4)
            if r.remote_id
            and r.remote_status != "closed"
            and (r.updated_at is None or now - r.updated_at >= STATUS_EVERY or not r.remote_status)
        ][:STATUS_BATCH]
    if not candidates:
        return 0
    try:
        remote = {r.service_request_id: r for r in client.find(ids=[c.remote_id for c in candidates])}
    except (Transient, Rejected) as exc:
        log.info("Statuses not refreshed: %s", exc)
        return 0
    changed = []
    for request in candidates:
        answer = remote.get(request.remote_id)
        status = (answer.status or "").strip().lower() if answer else request.remote_status
        notes = answer.status_notes if answer else request.remote_status_notes
        changed.append(
            replace(request, remote_status=status, remote_status_notes=notes or "", updated_at=now)
        )
    updated = sum(
        1
        for old, new in zip(candidates, changed, strict=True)
        if (old.remote_status, old.remote_status_notes) != (new.remote_status, new.remote_status_notes)
    )
    with ctx.uow(write=True) as uow:
        uow.requests.save_many(changed)
        if updated:
            uow.request_changes.bump()
        uow.commit()
    return updated


def _pause(ctx: ServiceContext, exc: Forbidden) -> None:
    now = ctx.now()
    log.error("The central service refused the api key (403): delivery paused. %s", _describe(exc))
    with ctx.uow(write=True) as uow:
        current = uow.requests.sync_status()
        uow.requests.save_sync_status(
            replace(current, paused_until=now + PAUSE_ON_FORBIDDEN, paused_reason=_describe(exc))
        )
        uow.request_changes.bump()
        uow.commit()


def _record(ctx: ServiceContext, report: SyncReport) -> None:
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        current = uow.requests.sync_status()
        uow.requests.save_sync_status(
            replace(
                current,
                last_attempt_at=now,
                last_success_at=now if report.contacted else current.last_success_at,
                last_error=report.error,
            )
        )
        if report.error != current.last_error or (report.contacted and not current.last_success_at):
            uow.request_changes.bump()  # online became offline or back: staff screens follow at once
        uow.commit()


def _record_success(ctx: ServiceContext) -> None:
    """The server answered (a catalogue, a token): what the admin's "last successful sync" shows."""
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        current = uow.requests.sync_status()
        uow.requests.save_sync_status(replace(current, last_success_at=now, last_error=""))
        if current.last_error:
            uow.request_changes.bump()
        uow.commit()


def _to_send(request: ServiceRequest, device_id: str) -> NewRequest:
    return NewRequest(
        service_code=request.service_code,
        attributes=dict(request.attributes),
        lat=request.lat,
        long=request.long,
        address_string=request.address,
        description=request.description_to_send(),
        first_name=request.first_name,
        last_name=request.last_name,
        email=request.email,
        phone=request.phone,
        device_id=device_id,
    )


def _describe(exc: Exception) -> str:
    status_code = getattr(exc, "status", None)
    text = str(exc)
    return f"HTTP {status_code}: {text}" if status_code else text


class SyncWorker:
    """Drains the outbox on a thread of its own, never the UI's: every ``interval`` seconds, or at once
    when woken (a visitor just filed a request). ``stop`` ends it at the next wake."""

    def __init__(
        self,
        ctx: ServiceContext,
        client: Open311Client,
        interval: float = 30.0,
        device_id: str = "",
        catalogue_every: float = 3600.0,
    ) -> None:
        self.ctx, self.client, self.interval, self.device_id = ctx, client, interval, device_id
        self.catalogue_every = catalogue_every
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_report: SyncReport | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="open311-sync", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        since_catalogue = self.catalogue_every  # fetch it on the first round
        while not self._stop.is_set():
            if since_catalogue >= self.catalogue_every:
                try:
                    refresh_catalogue(self.ctx, self.client)
                    since_catalogue = 0.0
                except Exception as exc:  # noqa: BLE001 - the kept catalogue serves; the outbox still goes
                    log.info("Catalogue not refreshed: %s", exc)
            try:
                self.last_report = sync_once(self.ctx, self.client, self.device_id)
            except Exception:  # noqa: BLE001 - the worker must outlive any one failure; staff read the log
                log.exception("Sync round failed")
            self._wake.wait(self.interval)
            self._wake.clear()
            since_catalogue += self.interval
