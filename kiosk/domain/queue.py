"""Queue order and wait estimates."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from kiosk.domain.tickets import Ticket

# Recent service times outside these bounds are data errors (a ticket left open over lunch), not
# information about how long the next visitor will take.
MIN_SERVICE_MINUTES = 1.0
MAX_SERVICE_MINUTES = 60.0


def queue_key(ticket: Ticket) -> tuple[int, datetime, int]:
    """Higher priority first, then who arrived first; id breaks exact ties deterministically."""
    return (-ticket.priority, ticket.queued_at, ticket.id or 0)


def in_queue_order(tickets: Iterable[Ticket]) -> list[Ticket]:
    return sorted(tickets, key=queue_key)


def position_in_line(ticket: Ticket, waiting: Iterable[Ticket]) -> int:
    """1 for the next person to be called."""
    key = queue_key(ticket)
    return 1 + sum(1 for other in waiting if other.id != ticket.id and queue_key(other) < key)


MIN_SAMPLES = 3


def typical_service_minutes(
    samples: Iterable[tuple[str, timedelta]], defaults: Mapping[str, float]
) -> dict[str, float]:
    """Per service: the median of recent service times, or its configured average with too few."""
    by_service: dict[str, list[float]] = {}
    for code, duration in samples:
        minutes = min(max(duration.total_seconds() / 60.0, MIN_SERVICE_MINUTES), MAX_SERVICE_MINUTES)
        by_service.setdefault(code, []).append(minutes)
    typical = dict(defaults)
    for code, minutes in by_service.items():
        if len(minutes) >= MIN_SAMPLES:
            typical[code] = statistics.median(minutes)
    return typical


def estimate_wait(
    ahead: Sequence[Ticket], typical_minutes: Mapping[str, float], open_counters: int, fallback: float = 8.0
) -> timedelta:
    """The service time of everyone ahead shared among the open counters, rounded up to a minute."""
    if not ahead:
        return timedelta(0)
    total = sum(typical_minutes.get(t.service_code, fallback) for t in ahead)
    return timedelta(minutes=math.ceil(total / max(1, open_counters)))
