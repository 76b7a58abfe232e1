"""Each station's devices as staff need to know them: a kiosk's printer that stopped printing."""

from __future__ import annotations

from kiosk.domain.stations import PrinterState
from kiosk.services.context import ServiceContext


def report_printer(ctx: ServiceContext, station: str, ok: bool, message: str = "") -> None:
    """What the last print job at a station found; ``since`` moves only when working changes."""
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        before = uow.stations.printer(station)
        since = before.since if before is not None and before.ok == ok else now
        uow.stations.put_printer(PrinterState(station, ok, "" if ok else message[:500], since, now))
        uow.commit()


def printer_problems(ctx: ServiceContext) -> list[PrinterState]:
    with ctx.uow() as uow:
        return [state for state in uow.stations.printers() if not state.ok]
