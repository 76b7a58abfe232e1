"""Queue order, the priority rules staff set, counters and wait estimates."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.domain.errors import DomainError
from kiosk.domain.text import N_
from kiosk.domain.tickets import Ticket

# Recent service times outside these bounds are data errors (a ticket left open over lunch), not
# information about how long the next visitor will take.
MIN_SERVICE_MINUTES = 1.0
MAX_SERVICE_MINUTES = 60.0


APPOINTMENTS_FIRST = "appointments_first"
ACCESSIBILITY_PRIORITY = "accessibility_priority"
RULE_NAMES = (APPOINTMENTS_FIRST, ACCESSIBILITY_PRIORITY)
RULE_LABELS = {
    APPOINTMENTS_FIRST: N_("Appointments first"),
    ACCESSIBILITY_PRIORITY: N_("Accessibility priority"),
}
RULE_DESCRIPTIONS = {
    APPOINTMENTS_FIRST: N_("Visitors with an appointment are called before walk-ins."),
    ACCESSIBILITY_PRIORITY: N_("Visitors who asked for an accommodation are called before others."),
}


@dataclass(frozen=True)
class QueueRules:
    """The priority rules staff switch on or off; all off is plain service priority and arrival."""

    appointments_first: bool = False
    accessibility_priority: bool = False

    @classmethod
    def of(cls, enabled: Mapping[str, bool]) -> QueueRules:
        return cls(**{name: bool(enabled.get(name, False)) for name in RULE_NAMES})

    def as_dict(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in RULE_NAMES}


NO_RULES = QueueRules()


def rule_boost(ticket: Ticket, rules: QueueRules) -> int:
    """How many rules in force put this ticket ahead. The storage's claim query computes the same sum
    (kiosk/storage/repositories.py, ``_queue_order``): both must change together."""
    return int(rules.appointments_first and ticket.channel == "appointment") + int(
        rules.accessibility_priority and ticket.accommodation
    )


def queue_key(ticket: Ticket, rules: QueueRules = NO_RULES) -> tuple[int, int, datetime, int]:
    """Rule boosts first, then the service's priority, then who arrived first; id breaks exact ties."""
    return (-rule_boost(ticket, rules), -ticket.priority, ticket.queued_at, ticket.id or 0)


def in_queue_order(tickets: Iterable[Ticket], rules: QueueRules = NO_RULES) -> list[Ticket]:
    return sorted(tickets, key=lambda t: queue_key(t, rules))


def position_in_line(ticket: Ticket, waiting: Iterable[Ticket], rules: QueueRules = NO_RULES) -> int:
    """1 for the next person to be called."""
    key = queue_key(ticket, rules)
    return 1 + sum(1 for other in waiting if other.id != ticket.id and queue_key(other, rules) < key)


@dataclass
class Counter:
    """A place where staff serve visitors. ``services`` empty: it serves every service."""

    name: str
    services: tuple[str, ...] = ()
    break_since: datetime | None = None
    active: bool = True
    sort_order: int = 0

    @property
    def on_break(self) -> bool:
        return self.break_since is not None

    def serves(self, service_code: str) -> bool:
        return not self.services or service_code in self.services


@dataclass(frozen=True)
class CallState:
    """What calling the next visitor to a counter must know, read together."""

    busy_number: str | None  # the ticket still at the counter
    counter: Counter | None  # None: a counter not in the table, serving everything
    rules: QueueRules


class CounterOnBreak(DomainError):
    message = N_("Counter {counter} is on a break. End the break to call visitors.")


class CounterClosed(DomainError):
    message = N_("Counter {counter} is closed.")


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


@dataclass(frozen=True)
class OpenCounter:
    """A counter taking visitors now, for the estimate: what it serves and when it is next free."""

    name: str
    services: frozenset[str] = frozenset()  # empty: every service
    free_in_minutes: float = 0.0

    def serves(self, service_code: str) -> bool:
        return not self.services or service_code in self.services


def estimate_waits(
    waiting: Sequence[Ticket],
    typical_minutes: Mapping[str, float],
    counters: Sequence[OpenCounter],
    fallback: float = 8.0,
) -> list[timedelta]:
    """The wait of each ticket of ``waiting`` (in queue order), rounded up to a minute.

    Plays the line forward as the counters work it: whichever counter is free first calls the first
    ticket of a service it serves, and keeps it for that service's typical time. So a visitor waits
    behind only those a counter serving their service will take first, shared among those counters.
    A service that no open counter serves is given one counter of its own (one will open for it);
    with no counter open at all, one counter serves everyone, as at the start of the day.
    """
    lanes = list(counters) or [OpenCounter("")]
    covered = {t.service_code for t in waiting if any(c.serves(t.service_code) for c in lanes)}
    for code in sorted({t.service_code for t in waiting} - covered):
        lanes.append(OpenCounter("", frozenset({code})))
    free = [max(0.0, c.free_in_minutes) for c in lanes]
    starts: list[float] = [0.0] * len(waiting)
    remaining = list(range(len(waiting)))
    working = list(range(len(lanes)))
    while remaining and working:
        lane = min(working, key=lambda i: (free[i], i))
        pick = next((i for i in remaining if lanes[lane].serves(waiting[i].service_code)), None)
        if pick is None:
            working.remove(lane)
            continue
        starts[pick] = free[lane]
        free[lane] += typical_minutes.get(waiting[pick].service_code, fallback)
        remaining.remove(pick)
    # Rounded to the second before rounding up, so 6.0000001 minutes of float sums stays 6.
    return [timedelta(minutes=math.ceil(round(start * 60) / 60)) for start in starts]


def busy_until(
    ticket: Ticket, typical_minutes: Mapping[str, float], now: datetime, fallback: float = 8.0
) -> float:
    """Minutes from now until the counter with ``ticket`` is likely free (0 when it is overdue)."""
    started = ticket.serving_at or ticket.called_at or now
    end = started + timedelta(minutes=typical_minutes.get(ticket.service_code, fallback))
    return max(0.0, (end - now).total_seconds() / 60.0)


WITHIN = timedelta(minutes=5)


@dataclass(frozen=True)
class EstimateAccuracy:
    """How far the waits visitors were told were from what happened.

    The signed error is actual minus estimated: positive when visitors waited longer than told.
    """

    count: int
    mean_absolute_error: timedelta
    median_absolute_error: timedelta
    p90_absolute_error: timedelta
    mean_error: timedelta  # bias
    share_within_5_minutes: float  # 0..1


def accuracy_of(outcomes: Iterable[tuple[timedelta, timedelta]]) -> EstimateAccuracy:
    """From (estimated, actual) waits. The 90th percentile is the nearest-rank one."""
    errors = [(actual - estimated).total_seconds() for estimated, actual in outcomes]
    if not errors:
        zero = timedelta(0)
        return EstimateAccuracy(0, zero, zero, zero, zero, 0.0)
    absolute = sorted(abs(e) for e in errors)
    count = len(errors)
    p90 = absolute[max(0, math.ceil(0.9 * count) - 1)]
    return EstimateAccuracy(
        count=count,
        mean_absolute_error=timedelta(seconds=statistics.fmean(absolute)),
        median_absolute_error=timedelta(seconds=statistics.median(absolute)),
        p90_absolute_error=timedelta(seconds=p90),
        mean_error=timedelta(seconds=statistics.fmean(errors)),
        share_within_5_minutes=sum(1 for e in absolute if e <= WITHIN.total_seconds()) / count,
    )
