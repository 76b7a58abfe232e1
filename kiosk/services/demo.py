"""Demo data: a morning's queue, so a newcomer sees the whole flow at once."""

from __future__ import annotations

from kiosk.services import checkin, queue
from kiosk.services.context import ServiceContext

DEMO_VISITORS = (
    ("information", "Maria"),
    ("permits", "Tuấn"),
    ("payments", None),
    ("parking", "慧玲"),
    ("accommodation", "Ольга"),
    ("information", None),
)


def seed_demo_queue(ctx: ServiceContext, counter: str = "2") -> int:
    """Check in a few visitors and call one to ``counter`` unless today already has a queue."""
    snap = queue.snapshot(ctx)
    if snap.waiting or snap.at_counters:
        return 0
    for code, name in DEMO_VISITORS:
        checkin.check_in(ctx, code, name)
    queue.call_next(ctx, counter)
    return len(DEMO_VISITORS)
