"""The dependencies every use case shares, bundled once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from kiosk.domain.rooms import RoomHours
from kiosk.services.ports import Clock, UnitOfWorkFactory


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class ServiceContext:
    uow: UnitOfWorkFactory
    clock: Clock
    timezone: ZoneInfo
    room_hours: RoomHours = field(default_factory=RoomHours)
    # Who acts, for the audit log: the signed-in staff member's user name ("" for visitors), and
    # the station they act from.
    actor: str = ""
    station: str = ""

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        """The building's calendar day: ticket numbers start again each local day."""
        return self.clock.now().astimezone(self.timezone).date()
