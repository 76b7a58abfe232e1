"""What the delivery tests share: drafts the development server takes, the references it stored, and the
check that every request filed is on the server exactly once (importable by spawned worker processes)."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

from kiosk.domain.requests import RequestState, ServiceRequest
from kiosk.services import requests

ADDRESS = "1120 SW 5th Ave, Portland, OR 97204"
REFERENCE_LINE = re.compile(r"Kiosk reference: ([A-Z0-9]{4}-[A-Z0-9]{4})")

# Realtime services of kiosk.open311.dev_catalog with answers it takes. The batch service is left out on
# purpose: a batch request is invisible to requests.json until its token resolves, so a lost answer to
# its create cannot be found by any client (see the report of these tests).
ANSWERS: list[tuple[str, dict[str, str | list[str]]]] = [
    ("GRAFFITI", {"SURFACE": "building", "OFFENSIVE": "no", "AREA": "12"}),
    ("ABANDONED_VEHICLE", {"KIND": "car", "DAYS": "4", "PLATE": "ABC 123"}),
    ("SIDEWALK_HAZARD", {"HAZARD": ["roots", "debris"], "BLOCKS_WHEELCHAIR": "yes"}),
    ("NOISE", {"SOURCE": "music", "STARTED": "2026-11-24T22:30"}),
    ("STREET_MAINTENANCE", {"PROBLEM": "pothole", "SIZE": "20"}),
    ("ILLEGAL_DUMPING", {"ITEMS": ["mattress"], "AMOUNT": "2"}),
    ("PARKING_METER", {}),
]
WORDS = ["Near the east entrance", "Cerca de la entrada", "Gần lối vào", "Возле входа", "靠近入口", "& more"]


def draft(index: int, rng: random.Random, refused: bool = False) -> requests.Draft:
    """The index-th visitor's report; ``refused``: one the server turns down (HTML in the description)."""
    code, answers = ANSWERS[index % len(ANSWERS)]
    description = f"Visitor {index}: {rng.choice(WORDS)}"
    if refused:
        description += " <b>urgent</b>"  # the development server refuses HTML with a 400
    return requests.Draft(code, dict(answers), description=description, first_name=f"V{index}")


def reference_in(description: str) -> str | None:
    found = REFERENCE_LINE.search(description or "")
    return found.group(1) if found else None


def as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def everything(ctx) -> list[ServiceRequest]:
    with ctx.uow() as uow:
        return uow.requests.in_state(list(RequestState), limit=1_000_000)


def problems_with_delivery(
    local: Iterable[ServiceRequest],
    stored: Iterable[tuple[str, str]],
    refused: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[str]:
    """Every way the outcome breaks "on the server exactly once, never lost" (empty when it holds).

    ``stored``: (service_request_id, description) of every request on the server. ``refused``: references
    the server turned down, which must wait for staff and must not be on the server.
    """
    local = list(local)
    stored = list(stored)
    problems: list[str] = []
    on_server: dict[str, list[str]] = {}
    for remote_id, description in stored:
        reference = reference_in(description)
        if reference is None:
            problems.append(f"request {remote_id} on the server carries no kiosk reference")
            continue
        on_server.setdefault(reference, []).append(remote_id)
    duplicates = {ref: ids for ref, ids in on_server.items() if len(ids) > 1}
    if duplicates:
        problems.append(f"{len(duplicates)} requests filed more than once: {sorted(duplicates.items())[:5]}")
    known = {r.reference for r in local}
    strangers = set(on_server) - known
    if strangers:
        problems.append(
            f"{len(strangers)} requests on the server the kiosk never filed: {sorted(strangers)[:5]}"
        )
    states = Counter(r.state for r in local)
    for request in local:
        ids = on_server.get(request.reference, [])
        if request.reference in refused:
            if request.state != RequestState.NEEDS_PERSON:
                problems.append(f"{request.reference} was refused but is {request.state}")
            if ids:
                problems.append(f"{request.reference} was refused but is on the server as {ids}")
            continue
        if request.state != RequestState.SENT:
            problems.append(f"{request.reference} is {request.state}, not sent ({request.last_error})")
        elif not ids:
            problems.append(
                f"{request.reference} is marked sent as {request.remote_id} but is not on the server"
            )
        elif request.remote_id not in ids:
            problems.append(
                f"{request.reference} is marked sent as {request.remote_id}, the server has {ids}"
            )
        if request.in_flight or request.lease_until is not None:
            problems.append(f"{request.reference} is still in flight or leased")
    if problems:
        problems.append(f"local states: {dict(states)}; on the server: {len(stored)}")
    return problems
