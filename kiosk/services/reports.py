"""How the front desk is doing: the figures of a range of days, for the admin's reports.

Definitions (the README repeats them for the people who read the reports):

- A *visit* is a ticket issued at the kiosk, by reception or for an appointment, with the tickets a
  transfer made from it (``transferred_from_id``); it is counted on its local service date, under the
  service, channel, language and hour of its first ticket.
- *Waiting time*: from joining a line to being called the first time, for every ticket that was called:
  ``first_called_at - queued_at`` for a visit's first ticket (a recall does not lengthen it), and from the transfer (``created_at``) for a transfer's
  continuation, whose ``queued_at`` keeps the original arrival to hold the visitor's place in line.
- *Service time*: ``finished_at - serving_at`` of every ticket served.
- Median and 90th percentile are nearest-rank: the value at rank ceil(p * n) of the sorted values.
- *First-contact resolution*: of the visits that reached a counter and ended served or referred, the
  share served by the service they first came for. Referred: the first ticket was transferred to
  another service. Visits that ended as no-shows or cancelled without a transfer are in neither.
- *No-show*: a visit whose last ticket was called and nobody came.
- *Satisfaction*: the ratings of the visits of the range (1 to 5), their mean, and the share of 4 and 5.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from kiosk.domain.feedback import RATING_LABELS
from kiosk.domain.rooms import Booking
from kiosk.domain.services import QueueService
from kiosk.domain.tickets import Ticket, TicketStatus
from kiosk.services.context import ServiceContext

CHANNELS = ("kiosk", "desk", "appointment")
MAX_DAYS = 366  # a year's report; more is a database export, not a report


@dataclass(frozen=True)
class Durations:
    """Minutes: how many, mean, median and 90th percentile (None when there is nothing to measure)."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, minutes: list[float]) -> Durations:
        if not minutes:
            return cls(0, None, None, None)
        ordered = sorted(minutes)
        return cls(
            len(ordered), sum(ordered) / len(ordered), nearest_rank(ordered, 0.5), nearest_rank(ordered, 0.9)
        )


def nearest_rank(ordered: list[float], p: float) -> float:
    rank = max(1, math.ceil(p * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Satisfaction:
    counts: dict[int, int]  # rating 1..5 -> how many
    comments: list[tuple[datetime, int, str]]  # (when, rating, comment) of the ratings with a comment

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def mean(self) -> float | None:
        return sum(r * n for r, n in self.counts.items()) / self.total if self.total else None

    @property
    def good_share(self) -> float | None:
        """The share of 4 and 5."""
        return (self.counts.get(4, 0) + self.counts.get(5, 0)) / self.total if self.total else None


@dataclass(frozen=True)
class Report:
    first: date
    last: date
    timezone: str
    generated_at: datetime
    services: dict[str, QueueService]
    visits: int
    by_service: dict[str, int]  # service code -> visits (their first service)
    by_channel: dict[str, int]  # kiosk / desk / appointment -> visits
    by_language: dict[str, int]
    by_hour: dict[int, int]  # local hour 0..23 -> visits
    by_weekday: dict[int, int]  # 0 Monday .. 6 Sunday -> visits
    waiting: Durations
    waiting_by_service: dict[str, Durations]
    service_time: Durations
    service_time_by_service: dict[str, Durations]
    served: int  # visits whose last ticket was served
    no_shows: int
    cancelled: int
    still_open: int
    resolved_first_contact: int
    referred: int
    accommodation: int
    accommodation_by_service: dict[str, int]
    satisfaction: Satisfaction
    requests_by_service: dict[str, int]  # the 311 service's name as the kiosk showed it -> requests made
    bookings_by_status: dict[str, int] = field(default_factory=dict)
    bookings_by_source: dict[str, int] = field(default_factory=dict)

    @property
    def first_contact_rate(self) -> float | None:
        reached = self.resolved_first_contact + self.referred
        return self.resolved_first_contact / reached if reached else None

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.visits if self.visits else None

    @property
    def response_rate(self) -> float | None:
        """Ratings per visit served."""
        return self.satisfaction.total / self.served if self.served else None

    @property
    def requests(self) -> int:
        return sum(self.requests_by_service.values())

    @property
    def bookings(self) -> int:
        return sum(self.bookings_by_status.values())

    def service_name(self, code: str, language: str) -> str:
        service = self.services.get(code)
        return service.name(language) if service is not None else code


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def _visits(tickets: list[Ticket]) -> list[list[Ticket]]:
    """Each visit's tickets, first to last (a transfer's continuation comes after the ticket it left)."""
    by_id = {t.id: t for t in tickets}
    continuation = {t.transferred_from_id: t for t in tickets if t.transferred_from_id is not None}
    visits = []
    for ticket in tickets:
        if ticket.transferred_from_id is not None and ticket.transferred_from_id in by_id:
            continue  # part of a visit counted from its first ticket
        chain = [ticket]
        while chain[-1].id in continuation and len(chain) < 50:
            chain.append(continuation[chain[-1].id])
        visits.append(chain)
    return visits


def day_range_utc(first: date, last: date, zone) -> tuple[datetime, datetime]:
    """The instants from the first day's local midnight to the midnight after the last day."""
    start = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def build(ctx: ServiceContext, first: date, last: date) -> Report:
    """The figures of the local service dates ``first`` to ``last``, both included."""
    if last < first:
        first, last = last, first
    if (last - first).days >= MAX_DAYS:
        raise ValueError(f"at most {MAX_DAYS} days")
    zone = ctx.timezone
    start, end = day_range_utc(first, last, zone)
    with ctx.uow() as uow:
        services = {s.code: s for s in uow.services.all()}
        tickets = uow.reports.tickets_on(first, last)
        requests = uow.reports.requests_between(start, end)
        bookings = uow.reports.bookings_on(first, last)
        ratings = uow.feedback.for_visits_on(first, last)
    return compute(
        first,
        last,
        zone,
        ctx.now(),
        services,
        tickets,
        requests,
        bookings,
        [(f.created_at, f.rating, f.comment) for f in ratings],
    )


def compute(
    first: date,
    last: date,
    zone,
    now: datetime,
    services: dict[str, QueueService],
    tickets: list[Ticket],
    requests: list[tuple[str, str, datetime]],
    bookings: list[Booking],
    ratings: list[tuple[datetime, int, str]],
) -> Report:
    """The figures from the raw rows (pure: the tests hand it a day written out by hand)."""
    visits = _visits(sorted(tickets, key=lambda t: t.id or 0))
    by_service: Counter[str] = Counter()
    by_channel: Counter[str] = Counter({channel: 0 for channel in CHANNELS})
    by_language: Counter[str] = Counter()
    by_hour: Counter[int] = Counter()
    by_weekday: Counter[int] = Counter()
    accommodation: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    resolved = referred = 0
    for chain in visits:
        head, tail = chain[0], chain[-1]
        local = head.created_at.astimezone(zone)
        by_service[head.service_code] += 1
        by_channel[head.channel] += 1
        by_language[head.language] += 1
        by_hour[local.hour] += 1
        by_weekday[head.service_date.weekday()] += 1
        if any(t.accommodation for t in chain):
            accommodation[head.service_code] += 1
        outcomes[tail.status.value] += 1
        if head.status == TicketStatus.DONE:
            resolved += 1
        elif head.status == TicketStatus.TRANSFERRED:
            referred += 1

    waits: dict[str, list[float]] = {}
    serving: dict[str, list[float]] = {}
    for ticket in tickets:
        if ticket.first_called_at is not None:
            joined = ticket.created_at if ticket.transferred_from_id is not None else ticket.queued_at
            waits.setdefault(ticket.service_code, []).append(_minutes(ticket.first_called_at - joined))
        if ticket.status == TicketStatus.DONE and ticket.serving_at and ticket.finished_at:
            serving.setdefault(ticket.service_code, []).append(
                _minutes(ticket.finished_at - ticket.serving_at)
            )

    rating_counts = Counter({rating: 0 for rating in RATING_LABELS})
    rating_counts.update(rating for _at, rating, _comment in ratings)
    comments = sorted(((at, rating, text) for at, rating, text in ratings if text), key=lambda c: c[0])

    return Report(
        first=first,
        last=last,
        timezone=str(zone),
        generated_at=now,
        services=services,
        visits=len(visits),
        by_service=dict(by_service.most_common()),
        by_channel=dict(by_channel),
        by_language=dict(by_language.most_common()),
        by_hour=dict(sorted(by_hour.items())),
        by_weekday=dict(sorted(by_weekday.items())),
        waiting=Durations.of([m for values in waits.values() for m in values]),
        waiting_by_service={code: Durations.of(values) for code, values in sorted(waits.items())},
        service_time=Durations.of([m for values in serving.values() for m in values]),
        service_time_by_service={code: Durations.of(values) for code, values in sorted(serving.items())},
        served=outcomes[TicketStatus.DONE.value],
        no_shows=outcomes[TicketStatus.NO_SHOW.value],
        cancelled=outcomes[TicketStatus.CANCELLED.value],
        still_open=sum(
            outcomes[s.value] for s in (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)
        ),
        resolved_first_contact=resolved,
        referred=referred,
        accommodation=sum(accommodation.values()),
        accommodation_by_service=dict(accommodation.most_common()),
        satisfaction=Satisfaction(dict(sorted(rating_counts.items())), comments),
        requests_by_service=dict(Counter(name or code for code, name, _at in requests).most_common()),
        bookings_by_status=dict(Counter(b.status.value for b in bookings).most_common()),
        bookings_by_source=dict(Counter(b.source for b in bookings).most_common()),
    )


# -- the report as tables, in the staff member's language (CSV, PDF and the panel share them) ---------
Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    key: str  # stable, for programs reading the CSV
    title: str
    columns: list[str]
    rows: list[list[Cell]]


def _one(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def channel_label(channel: str) -> str:
    from kiosk.i18n import _

    labels = {"kiosk": _("Kiosk"), "desk": _("Front desk"), "appointment": _("Appointment")}
    return labels.get(channel, channel)


def booking_status_label(status: str) -> str:
    from kiosk.i18n import _

    labels = {
        "booked": _("Booked"),
        "checked_in": _("Checked in"),
        "released": _("Released (not checked in)"),
        "cancelled": _("Cancelled"),
    }
    return labels.get(status, status)


def weekday_names(language: str) -> list[str]:
    from babel.dates import get_day_names

    names = get_day_names("wide", locale=language)
    return [names[i] for i in range(7)]


def rating_label(rating: int) -> str:
    from kiosk.i18n import _

    return f"{rating} – {_(RATING_LABELS[rating])}"


def tables(report: Report, language: str) -> list[Table]:
    """Every figure of the report as titled tables, in ``language``."""
    from babel.dates import format_date

    from kiosk.i18n import _, endonym, use_language

    with use_language(language):
        period = _(
            "{first} to {last}",
            first=format_date(report.first, format="medium", locale=language),
            last=format_date(report.last, format="medium", locale=language),
        )
        sat = report.satisfaction
        summary = [
            [_("Period"), period],
            [_("Visits"), report.visits],
            [_("Served"), report.served],
            [_("No-shows"), report.no_shows],
            [_("No-show rate (%)"), _percent(report.no_show_rate)],
            [_("Cancelled"), report.cancelled],
            [_("Still open"), report.still_open],
            [_("Served by the first service"), report.resolved_first_contact],
            [_("Referred to another service"), report.referred],
            [_("First-contact resolution (%)"), _percent(report.first_contact_rate)],
            [_("Accommodation requests"), report.accommodation],
            [_("Ratings"), sat.total],
            [_("Mean rating (1 to 5)"), _one(sat.mean)],
            [_("Rated 4 or 5 (%)"), _percent(sat.good_share)],
            [_("Ratings per visit served (%)"), _percent(report.response_rate)],
            [_("Reports and requests made at the kiosk"), report.requests],
            [_("Room bookings"), report.bookings],
        ]
        time_columns = [
            _("Service"),
            _("Waited (tickets)"),
            _("Mean wait"),
            _("Median wait"),
            _("90th percentile wait"),
            _("Served (tickets)"),
            _("Mean service"),
            _("Median service"),
            _("90th percentile service"),
        ]
        empty = Durations(0, None, None, None)

        def time_row(name: str, wait: Durations, service: Durations) -> list[Cell]:
            return [
                name,
                wait.count,
                _one(wait.mean),
                _one(wait.median),
                _one(wait.p90),
                service.count,
                _one(service.mean),
                _one(service.median),
                _one(service.p90),
            ]

        codes = sorted(set(report.waiting_by_service) | set(report.service_time_by_service))
        time_rows = [time_row(_("All services"), report.waiting, report.service_time)]
        time_rows += [
            time_row(
                report.service_name(code, language),
                report.waiting_by_service.get(code, empty),
                report.service_time_by_service.get(code, empty),
            )
            for code in codes
        ]
        contact_rows: list[list[Cell]] = [
            [_("Visit"), channel_label(channel), count] for channel, count in report.by_channel.items()
        ]
        contact_rows.append([_("Report or request"), channel_label("kiosk"), report.requests])
        for source, count in report.bookings_by_source.items():
            where = channel_label("desk") if source == "reception" else channel_label(source)
            contact_rows.append([_("Room booking"), where, count])
        hours = list(report.by_hour)
        hour_rows = (
            [[f"{hour:02d}:00", report.by_hour.get(hour, 0)] for hour in range(min(hours), max(hours) + 1)]
            if hours
            else []
        )
        days = weekday_names(language)
        result = [
            Table("summary", _("Summary"), [_("Measure"), _("Value")], summary),
            Table(
                "times",
                _("Waiting and service time (minutes)"),
                time_columns,
                time_rows,
            ),
            Table(
                "services",
                _("Visits by service"),
                [_("Service"), _("Visits"), _("Accommodation requests")],
                [
                    [report.service_name(code, language), count, report.accommodation_by_service.get(code, 0)]
                    for code, count in report.by_service.items()
                ],
            ),
            Table(
                "channels", _("Contacts by channel"), [_("Contact"), _("Channel"), _("Count")], contact_rows
            ),
            Table("hours", _("Visits by hour of day"), [_("Hour"), _("Visits")], hour_rows),
            Table(
                "weekdays",
                _("Visits by day of the week"),
                [_("Day"), _("Visits")],
                [[days[day], report.by_weekday.get(day, 0)] for day in range(7)],
            ),
            Table(
                "languages",
                _("Visits by language"),
                [_("Language"), _("Visits")],
                [
                    [endonym(code) if code in _known_languages() else code, n]
                    for code, n in report.by_language.items()
                ],
            ),
            Table(
                "satisfaction",
                _("Satisfaction"),
                [_("Rating"), _("Count")],
                [[rating_label(rating), count] for rating, count in sorted(sat.counts.items(), reverse=True)],
            ),
            Table(
                "requests",
                _("Reports and requests by service"),
                [_("Service"), _("Count")],
                [[name, count] for name, count in report.requests_by_service.items()],
            ),
            Table(
                "bookings",
                _("Room bookings"),
                [_("Status"), _("Count")],
                [
                    [booking_status_label(status), count]
                    for status, count in report.bookings_by_status.items()
                ],
            ),
            Table(
                "comments",
                _("Comments"),
                [_("Date"), _("Rating"), _("Comment")],
                [
                    [
                        format_date(at.astimezone(_zone(report)).date(), format="short", locale=language),
                        rating,
                        text,
                    ]
                    for at, rating, text in sat.comments
                ],
            ),
        ]
    return result


def _known_languages() -> set[str]:
    from kiosk.i18n import LANGUAGE_CODES

    return set(LANGUAGE_CODES)


def _zone(report: Report):
    from zoneinfo import ZoneInfo

    return ZoneInfo(report.timezone)


def to_csv(report: Report, language: str) -> bytes:
    """One CSV file, a titled table after another with a blank line between: UTF-8 with a byte-order
    mark, so Excel reads every script; numbers with a dot, so a spreadsheet reads them as numbers."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for index, table in enumerate(tables(report, language)):
        if index:
            writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.columns)
        for row in table.rows:
            writer.writerow(["" if cell is None else cell for cell in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
