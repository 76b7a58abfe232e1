"""Dates, times, numbers and durations in the active language, through babel."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.i18n import _, current_language, ngettext


def babel_locale(code: str | None = None) -> str:
    return code or current_language()


def format_time(moment: datetime, zone: ZoneInfo) -> str:
    from babel.dates import format_time as babel_format_time

    return babel_format_time(moment.astimezone(zone), format="short", locale=babel_locale())


def format_date(moment: datetime, zone: ZoneInfo) -> str:
    from babel.dates import format_date as babel_format_date

    return babel_format_date(moment.astimezone(zone).date(), format="full", locale=babel_locale())


def format_number(value: int | float) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=babel_locale())


def format_wait(wait: timedelta) -> str:
    """A wait as a visitor reads it: 'No wait', 'About 8 minutes', 'About 1 hour 20 minutes'."""
    minutes = math.ceil(wait.total_seconds() / 60)
    if minutes <= 0:
        return _("No wait")
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return ngettext("About {n} minute", "About {n} minutes", minutes)
    if rest == 0:
        return ngettext("About {n} hour", "About {n} hours", hours)
    return _("About {hours} h {minutes} min", hours=format_number(hours), minutes=format_number(rest))


def format_elapsed(elapsed: timedelta) -> str:
    """How long someone has waited, for staff: '0:45', '12:03', '1:02:10'."""
    seconds = max(0, int(elapsed.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
