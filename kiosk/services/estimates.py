"""Wait estimates: their inputs, read from recent history and the counters, and how right they were."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from kiosk.domain.queue import (
    EstimateAccuracy,
    OpenCounter,
    QueueRules,
    accuracy_of,
    busy_until,
    estimate_waits,
    typical_service_minutes,
)
from kiosk.domain.tickets import Ticket
from kiosk.services.context import ServiceContext
from kiosk.services.ports import UnitOfWork

HISTORY_WINDOW = timedelta(hours=3)
# A counter that called nobody for this long is taken to be unstaffed, whatever the table says.
ACTIVE_COUNTER_WINDOW = timedelta(minutes=30)


@dataclass(frozen=True)
class EstimateInputs:
    typical: dict[str, float]  # minutes per visitor, by service
    counters: list[OpenCounter]  # open now: staffed recently, not on a break
    rules: QueueRules

    def waits(self, waiting: list[Ticket]) -> list[timedelta]:
        """The wait of each of ``waiting``, which must be in queue order under ``self.rules``."""
        return estimate_waits(waiting, self.typical, self.counters)


def current_estimate_inputs(
    uow: UnitOfWork, now: datetime, at_counters: list[Ticket] | None = None
) -> EstimateInputs:
    """What the estimate needs, from what happened recently. ``at_counters`` when already read."""
    defaults = {s.code: s.average_minutes for s in uow.services.all()}
    typical = typical_service_minutes(uow.tickets.recent_service_durations(now - HISTORY_WINDOW), defaults)
    busy = uow.tickets.at_counters() if at_counters is None else at_counters
    known = {c.name: c for c in uow.counters.all()}
    staffed = uow.counters.active_since(now - ACTIVE_COUNTER_WINDOW) | {t.counter for t in busy if t.counter}
    counters = []
    for name in sorted(staffed):
        counter = known.get(name)
        if counter is not None and (counter.on_break or not counter.active):
            continue
        current = next((t for t in busy if t.counter == name), None)
        counters.append(
            OpenCounter(
                name,
                frozenset(counter.services) if counter else frozenset(),
                busy_until(current, typical, now) if current else 0.0,
            )
        )
    return EstimateInputs(typical, counters, uow.counters.rules())


def estimate_accuracy(ctx: ServiceContext, start: datetime, end: datetime) -> EstimateAccuracy:
    """How the waits told to visitors who joined the line in [start, end) compare with the waits
    they had (from joining to being called): count, mean, median and 90th-percentile absolute error,
    mean signed error (positive: longer than told) and the share within 5 minutes."""
    with ctx.uow() as uow:
        outcomes = uow.counters.estimate_outcomes(start, end)
    return accuracy_of(outcomes)


def accuracy_today(ctx: ServiceContext) -> EstimateAccuracy:
    """The estimates of those who joined the line since the building's midnight."""
    midnight = datetime.combine(ctx.today(), time(), tzinfo=ctx.timezone)
    return estimate_accuracy(ctx, midnight, ctx.now() + timedelta(seconds=1))
