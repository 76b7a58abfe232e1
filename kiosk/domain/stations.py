"""How each station's devices are doing, for the staff who can fix them (a printer out of paper)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PrinterState:
    station: str
    ok: bool
    message: str  # the printer's own reason, for staff (not translated: it comes from the device)
    since: datetime  # when it last changed between working and not
    checked_at: datetime
