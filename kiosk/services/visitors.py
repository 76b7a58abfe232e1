"""The security desk: signing visitors in and out, who is in the building now, the log as CSV.

Every change bumps the visitors' change marker, so the desk sees a sign-in made at a kiosk at its
next poll. Staff actions are written to the audit log in the same transaction, under the badge
number: the audit log never holds a visitor's name.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from kiosk.domain import visitors as rules
from kiosk.domain.visitors import (
    BadgeNotRecognised,
    BadgeTaken,
    SignOutHow,
    Visit,
    VisitorNotFound,
    VisitSource,
)
from kiosk.services import audit
from kiosk.services.context import ServiceContext
from kiosk.services.ports import UnitOfWork

ALLOCATION_ATTEMPTS = 20
# Spreadsheets run a cell that starts with one of these as a formula: a visitor's "name" must not.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Present:
    visit: Visit
    expired: bool


@dataclass(frozen=True)
class InBuilding:
    """Who is inside at ``as_of``: the evacuation roll call."""

    present: list[Present]
    as_of: datetime
    version: int

    @property
    def expired_count(self) -> int:
        return sum(1 for p in self.present if p.expired)


def change_marker(ctx: ServiceContext) -> int:
    with ctx.uow() as uow:
        return uow.visitor_changes.current()


def sign_in(
    ctx: ServiceContext,
    *,
    name: str | None,
    host: str | None,
    organisation: str | None = "",
    purpose: str | None = "",
    id_checked: bool = False,
    badge: str | None = None,
    source: VisitSource = VisitSource.DESK,
    badge_hours: int = 0,
) -> Visit:
    """Sign a visitor in. The badge number is the day's next (V001, V002…) unless staff typed one.

    InvalidInput names the field to fix; BadgeTaken when a visitor inside wears the number typed.
    """
    now = ctx.now()
    visit = rules.new_visit(
        name=name,
        host=host,
        organisation=organisation,
        purpose=purpose,
        id_checked=id_checked,
        now=now,
        zone=ctx.timezone,
        badge_hours=badge_hours,
        source=source,
    )
    typed = rules.normalise_badge(badge) if source == VisitSource.DESK else ""
    with ctx.uow(write=True) as uow:
        if typed:
            visit.badge = typed
            uow.visits.add(visit)
        else:
            _add_with_next_badge(uow, visit)
        action = "visitor.sign_in" if source == VisitSource.DESK else "visitor.self_sign_in"
        detail = f"source={source.value}; id_checked={'yes' if visit.id_checked else 'no'}"
        audit.record(uow, ctx, action, visit.badge, detail)
        uow.visitor_changes.bump()
        uow.commit()
    return visit


def _add_with_next_badge(uow: UnitOfWork, visit: Visit) -> None:
    inside = uow.visits.badges_inside()
    sequence = uow.visits.last_sequence(visit.service_date)
    for _ in range(ALLOCATION_ATTEMPTS):
        sequence += 1
        badge = rules.badge_for(sequence)
        if badge in inside:
            continue  # staff typed it, or yesterday's visitor with that number is still inside
        visit.badge, visit.sequence = badge, sequence
        try:
            uow.visits.add(visit)
            return
        except BadgeTaken:
            continue  # another desk took that number a moment ago
    raise BadgeTaken(badge=visit.badge)


def sign_out_scanned(ctx: ServiceContext, text: str) -> Visit:
    """A badge's QR code scanned (or its number typed): that visitor leaves."""
    token = rules.token_from_scan(text)
    with ctx.uow(write=True) as uow:
        if token is not None:
            visit = uow.visits.by_token(token)
            if visit is None or not visit.in_building:
                raise BadgeNotRecognised()
        else:
            badge = rules.normalise_badge(text)
            visit = uow.visits.inside_by_badge(badge) if badge else None
            if visit is None:
                raise VisitorNotFound(badge=badge or text.strip())
        left = _sign_out(uow, ctx, visit, SignOutHow.BADGE)
        uow.commit()
    return left


def sign_out(ctx: ServiceContext, visit_id: int) -> Visit:
    """Staff chose the visitor in the list (found by name, say)."""
    with ctx.uow(write=True) as uow:
        visit = uow.visits.get(visit_id)
        if visit is None:
            raise BadgeNotRecognised()
        left = _sign_out(uow, ctx, visit, SignOutHow.DESK)
        uow.commit()
    return left


def sign_out_all(ctx: ServiceContext) -> list[Visit]:
    """Closing time: everyone still signed in leaves the log's "inside" list."""
    with ctx.uow(write=True) as uow:
        left = [_sign_out(uow, ctx, visit, SignOutHow.ALL) for visit in uow.visits.in_building()]
        uow.commit()
    return left


def _sign_out(uow: UnitOfWork, ctx: ServiceContext, visit: Visit, how: SignOutHow) -> Visit:
    left = rules.sign_out(visit, ctx.now(), how)
    uow.visits.save(left)
    audit.record(uow, ctx, "visitor.sign_out", left.badge, f"how={how.value}")
    uow.visitor_changes.bump()
    return left


def in_building(ctx: ServiceContext, now: datetime | None = None) -> InBuilding:
    """Everyone signed in and not out, oldest first, each with whether their badge has run out."""
    now = now or ctx.now()
    with ctx.uow() as uow:
        version = uow.visitor_changes.current()
        visits = uow.visits.in_building()
    return InBuilding([Present(v, v.expired(now)) for v in visits], now, version)


def search(ctx: ServiceContext, text: str) -> list[Visit]:
    """Visitors inside whose name has every word typed, or whose badge number it is."""
    badge = text.strip().upper()
    with ctx.uow() as uow:
        inside = uow.visits.in_building()
    return [v for v in inside if v.badge == badge or rules.matches(v, text)]


def local_day_bounds(ctx: ServiceContext, start: date, end: date) -> tuple[datetime, datetime]:
    """From the building's midnight starting ``start`` to the one ending ``end``, in UTC."""
    first = datetime.combine(start, time(0), tzinfo=ctx.timezone)
    after = datetime.combine(end + timedelta(days=1), time(0), tzinfo=ctx.timezone)
    return first, after


def export_csv(ctx: ServiceContext, start: date, end: date) -> bytes:
    """The log of visits signed in from ``start`` to ``end`` (the building's dates, both included).

    UTF-8 with a byte-order mark, so Excel opens names in any script correctly. The column titles
    are fixed English identifiers whatever the desk's language, so logs from several desks and months
    line up in one spreadsheet. Recorded in the audit log: it hands personal data out of the system.
    """
    if end < start:
        start, end = end, start
    first, after = local_day_bounds(ctx, start, end)
    with ctx.uow(write=True) as uow:
        visits = uow.visits.signed_in_between(first, after)
        audit.record(uow, ctx, "visitor.export", f"{start.isoformat()}..{end.isoformat()}", str(len(visits)))
        uow.commit()
    zone = ctx.timezone

    def when(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for v in visits:
        writer.writerow(
            [
                _cell(v.badge),
                _cell(v.name),
                _cell(v.organisation),
                _cell(v.host),
                _cell(v.purpose),
                "yes" if v.id_checked else "no",
                v.source.value,
                when(v.signed_in_at),
                when(v.expires_at),
                when(v.signed_out_at),
                v.signed_out_how,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


CSV_HEADERS = (
    "badge",
    "name",
    "organisation",
    "visiting",
    "purpose",
    "id_checked",
    "source",
    "signed_in",
    "badge_expires",
    "signed_out",
    "signed_out_how",
)


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def purge_before(ctx: ServiceContext, cutoff: datetime, dry_run: bool = False) -> int:
    """Retention: visits signed out before ``cutoff`` lose their name, organisation and purpose.

    Badge, whom they visited and the times stay, so counts and reports still add up. Visitors still
    inside are never touched. ``dry_run`` only counts. Returns the number of visits (to be) anonymised.
    """
    with ctx.uow(write=True) as uow:
        count = uow.visits.anonymise_signed_out_before(cutoff, dry_run=dry_run)
        if not dry_run:
            if count:
                audit.record(uow, ctx, "visitor.purge", cutoff.isoformat(), str(count))
                uow.visitor_changes.bump()
            uow.commit()
    return count


def host_choices(language: str, data_dir: Path | None = None) -> list[str]:
    """The bureaus in the city's catalogue, named in ``language``: whom a visitor may come to see."""
    from kiosk.services import lookup

    loaded, _index = lookup.catalogue(data_dir)
    names = {(b.names.get(language) or b.names.get("en") or b.id).strip() for b in loaded.bureaus.values()}
    return sorted(n for n in names if n)
