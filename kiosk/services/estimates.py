"""Inputs of the wait estimate, read from recent history."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.domain.queue import typical_service_minutes
from kiosk.services.ports import UnitOfWork

HISTORY_WINDOW = timedelta(hours=3)
ACTIVE_COUNTER_WINDOW = timedelta(minutes=30)


def current_estimate_inputs(uow: UnitOfWork, now: datetime) -> tuple[dict[str, float], int]:
    """(typical minutes per visitor by service, counters open now) from what happened recently."""
    defaults = {s.code: s.average_minutes for s in uow.services.all()}
    samples = uow.tickets.recent_service_durations(now - HISTORY_WINDOW)
    counters = uow.tickets.counters_active_since(now - ACTIVE_COUNTER_WINDOW)
    return typical_service_minutes(samples, defaults), max(1, counters)
