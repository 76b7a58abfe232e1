"""Settings: a TOML file in the user config directory, then ``KIOSK_*`` environment variables.

Every option, its default and its meaning is listed in SETTINGS below; ``kiosk config`` prints the
values in force and where they came from, and ``kiosk config --init`` writes a commented file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

APP_NAME = "city-kiosk"
LANGUAGES = ("en", "es", "vi", "zh_Hant", "ru")


class SettingsError(ValueError):
    """A setting has a value the program cannot use; the message names the setting and the source."""


@dataclass(frozen=True)
class Option:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Option, ...] = (
    Option(
        "database_url",
        "",
        "SQLAlchemy URL. Empty: a SQLite file in the data directory. "
        "Several stations share postgresql://user:password@host/dbname.",
    ),
    Option("data_dir", "", "Where the SQLite database and logs live. Empty: the user data directory."),
    Option(
        "timezone",
        "America/Los_Angeles",
        "The building's time zone (IANA name): times are shown in it "
        "and ticket numbers start again at its midnight.",
    ),
    Option("building_name", "The Portland Building", "Shown on the welcome screen."),
    Option(
        "default_language", "en", "The kiosk's language when nobody is using it: en, es, vi, zh_Hant or ru."
    ),
    Option("staff_language", "en", "The language of the staff stations."),
    Option(
        "chinese_voice",
        "yue",
        "How Chinese is read aloud until a visitor switches: yue (Cantonese) or cmn (Mandarin).",
    ),
    Option("counters", ["1", "2", "3", "4"], "The counters reception calls tickets to."),
    Option(
        "idle_seconds",
        60,
        "Seconds without a touch before the kiosk asks whether the visitor needs more time.",
    ),
    Option(
        "idle_warning_seconds",
        30,
        "Seconds the 'more time?' warning stays before the kiosk clears everything "
        "(at least 20, WCAG 2.2.1).",
    ),
    Option(
        "ticket_screen_seconds", 25, "Seconds the ticket stays on screen before the welcome screen returns."
    ),
    Option("poll_interval_ms", 250, "How often staff stations look for queue changes made elsewhere."),
    Option(
        "printer",
        "none",
        "Where the kiosk prints receipts: none, pdf:DIR (save PDF files), cups:QUEUE (Linux, lp), "
        "system:NAME (Windows and macOS print system; empty NAME: the default printer), "
        "escpos:usb:VID:PID, escpos:network:HOST[:PORT], escpos:serial:DEVICE or escpos:file:DEVICE "
        "(ESC/POS thermal printers).",
    ),
    Option("printer_paper", "80mm", "The printer's paper: 80mm (thermal roll) or letter."),
    Option(
        "open311_base_url",
        "",
        "The central 311 service's Open311 GeoReport v2 endpoint, e.g. https://311.example.gov/open311/v2. "
        "Empty: requests are kept in the outbox until it is set.",
    ),
    Option(
        "open311_api_key",
        "",
        "The api key for creating requests, or keyring:SERVICE/USER to read it from the operating "
        "system's keyring.",
    ),
    Option("open311_jurisdiction_id", "", "Sent on every call when the server serves several jurisdictions."),
    Option("sync_interval_seconds", 30, "How often the outbox is sent when nothing wakes it sooner."),
    Option(
        "building_address",
        "1120 SW 5th Ave, Portland, OR 97204",
        "Where the kiosk is: the location of a request made 'here at the building'.",
    ),
    Option("station_name", "", "This station's name, sent as the request's device_id. Empty: the host name."),
    Option(
        "rooms_open", "08:00", "Discussion rooms can be booked from this time (24-hour HH:MM, local time)."
    ),
    Option("rooms_close", "17:00", "Discussion rooms can be booked until this time (HH:MM)."),
    Option("room_slot_minutes", 30, "Length of one discussion-room slot in minutes (10 to 120)."),
    Option(
        "room_grace_minutes",
        10,
        "A room booking not checked in this many minutes after it starts is released for others.",
    ),
    Option(
        "feedback_url",
        "",
        "A web page where visitors rate their visit from a phone. Set: the ticket's QR code is this address "
        "with the visit's token ({token} in it is replaced, else ?t= is added). Empty: the QR code is "
        "scanned at the kiosk.",
    ),
    Option(
        "visitor_self_sign_in",
        False,
        "Visitors may sign themselves in at the kiosk (true/false); the security desk sees them at once "
        "and prints their badge when they come to the desk.",
    ),
    Option(
        "visitor_badge_hours",
        0,
        "Hours a visitor badge stays valid after sign-in (0: until the end of the building's day).",
    ),
    Option("staff_lockout_minutes", 15, "Five wrong sign-ins lock a staff account for this many minutes."),
    Option(
        "staff_idle_sign_out_minutes",
        30,
        "A staff station left without input this many minutes signs its user out (0: never).",
    ),
    Option(
        "retention_visitor_log_days",
        90,
        "Days the security desk's visitor log keeps names; older visits keep only times and counts.",
    ),
    Option(
        "retention_ticket_names_days",
        1,
        "Days a queue ticket keeps the visitor's first name (from the end of its day).",
    ),
    Option(
        "retention_request_personal_days",
        30,
        "Days after a request reached the central service that the kiosk keeps the visitor's name, "
        "e-mail and phone (the city's own copy is kept by its policy).",
    ),
    Option(
        "retention_feedback_comment_days",
        90,
        "Days a visitor's feedback comment is kept (the rating itself stays for the reports).",
    ),
    Option(
        "retention_audit_days",
        365,
        "Days the audit log of staff actions is kept (it holds user names and ticket numbers, "
        "no visitor names).",
    ),
)
_BY_NAME = {o.name: o for o in SETTINGS}
PRINTER_KINDS = ("none", "pdf", "cups", "system", "escpos")
PAPERS = ("80mm", "letter")


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    data_dir: str = ""
    timezone: str = "America/Los_Angeles"
    building_name: str = "The Portland Building"
    default_language: str = "en"
    staff_language: str = "en"
    chinese_voice: str = "yue"
    counters: tuple[str, ...] = ("1", "2", "3", "4")
    idle_seconds: int = 60
    idle_warning_seconds: int = 30
    ticket_screen_seconds: int = 25
    poll_interval_ms: int = 250
    printer: str = "none"
    printer_paper: str = "80mm"
    open311_base_url: str = ""
    open311_api_key: str = ""
    open311_jurisdiction_id: str = ""
    sync_interval_seconds: int = 30
    building_address: str = "1120 SW 5th Ave, Portland, OR 97204"
    station_name: str = ""
    rooms_open: str = "08:00"
    rooms_close: str = "17:00"
    room_slot_minutes: int = 30
    room_grace_minutes: int = 10
    visitor_self_sign_in: bool = False
    visitor_badge_hours: int = 0
    staff_lockout_minutes: int = 15
    staff_idle_sign_out_minutes: int = 30
    retention_visitor_log_days: int = 90
    retention_ticket_names_days: int = 1
    retention_request_personal_days: int = 30
    retention_feedback_comment_days: int = 90
    retention_audit_days: int = 365
    feedback_url: str = ""
    sources: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def data_path(self) -> Path:
        if self.data_dir:
            return Path(self.data_dir)
        import platformdirs

        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_path / 'kiosk.sqlite3'}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def config_path() -> Path:
    override = os.environ.get("KIOSK_CONFIG")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.toml"


def _coerce(name: str, value: Any, source: str) -> Any:
    default = _BY_NAME[name].default
    try:
        if isinstance(default, list):
            items = value.split(",") if isinstance(value, str) else list(value)
            result = tuple(str(v).strip() for v in items if str(v).strip())
            if not result:
                raise ValueError("needs at least one entry")
            return result
        if isinstance(default, bool):
            # TOML gives a real boolean; an environment variable gives text.
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
                raise ValueError("needs true or false")
            return text in ("true", "1", "yes", "on")
        if isinstance(default, int):
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError("needs a whole number")
            return int(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{source}: setting {name!r} has an unusable value {value!r} ({exc})") from exc


def _validate(settings: Settings) -> None:
    where = settings.sources
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(
            f"{where.get('timezone')}: setting 'timezone' names an unknown time zone {settings.timezone!r}"
        ) from exc
    for name in ("default_language", "staff_language"):
        if getattr(settings, name) not in LANGUAGES:
            raise SettingsError(
                f"{where.get(name)}: {name} must be one of {', '.join(LANGUAGES)}, not {getattr(settings, name)!r}"
            )
    if settings.chinese_voice not in ("yue", "cmn"):
        raise SettingsError(
            f"{where.get('chinese_voice')}: chinese_voice must be yue (Cantonese) or cmn (Mandarin), "
            f"not {settings.chinese_voice!r}"
        )
    if settings.idle_warning_seconds < 20:
        raise SettingsError(f"{where.get('idle_warning_seconds')}: idle_warning_seconds must be at least 20")
    kind = settings.printer.partition(":")[0].strip()
    if kind not in PRINTER_KINDS or (kind in ("cups", "escpos") and not settings.printer.partition(":")[2]):
        raise SettingsError(
            f"{where.get('printer')}: printer must be none, pdf:DIR, cups:QUEUE, system:NAME or "
            f"escpos:usb:VID:PID / escpos:network:HOST, not {settings.printer!r}"
        )
    if settings.printer_paper not in PAPERS:
        raise SettingsError(f"{where.get('printer_paper')}: printer_paper must be 80mm or letter")
    if settings.open311_base_url and not settings.open311_base_url.startswith(("https://", "http://")):
        raise SettingsError(
            f"{where.get('open311_base_url')}: open311_base_url must start with https:// "
            f"(or http:// for a test server), not {settings.open311_base_url!r}"
        )
    if not 0 <= settings.visitor_badge_hours <= 24 * 7:
        raise SettingsError(f"{where.get('visitor_badge_hours')}: visitor_badge_hours must be from 0 to 168")
    for name in ("idle_seconds", "ticket_screen_seconds", "poll_interval_ms", "sync_interval_seconds"):
        if getattr(settings, name) <= 0:
            raise SettingsError(f"{where.get(name)}: {name} must be positive")
    for name in (
        "staff_lockout_minutes",
        "retention_visitor_log_days",
        "retention_ticket_names_days",
        "retention_request_personal_days",
        "retention_feedback_comment_days",
        "retention_audit_days",
    ):
        if getattr(settings, name) < 1:
            raise SettingsError(f"{where.get(name)}: {name} must be at least 1")
    if settings.staff_idle_sign_out_minutes < 0:
        raise SettingsError(
            f"{where.get('staff_idle_sign_out_minutes')}: staff_idle_sign_out_minutes must be 0 or more"
        )
    opens, closes = (_clock_time(settings, name) for name in ("rooms_open", "rooms_close"))
    if opens >= closes:
        raise SettingsError(f"{where.get('rooms_close')}: rooms_close must be later than rooms_open")
    if not 10 <= settings.room_slot_minutes <= 120:
        raise SettingsError(f"{where.get('room_slot_minutes')}: room_slot_minutes must be from 10 to 120")
    if not 0 <= settings.room_grace_minutes <= settings.room_slot_minutes:
        raise SettingsError(
            f"{where.get('room_grace_minutes')}: room_grace_minutes must be from 0 to room_slot_minutes"
        )


def _clock_time(settings: Settings, name: str) -> tuple[int, int]:
    value = getattr(settings, name)
    hours, _, minutes = value.partition(":")
    if not (
        hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60 and len(minutes) == 2
    ):
        raise SettingsError(f"{settings.sources.get(name)}: {name} must be a time like 08:00, not {value!r}")
    return int(hours), int(minutes)


def load_settings(
    path: Path | None = None, environ: dict[str, str] | None = None, **overrides: Any
) -> Settings:
    path = path or config_path()
    environ = dict(os.environ) if environ is None else environ
    values: dict[str, Any] = {}
    sources = {o.name: "default" for o in SETTINGS}
    if path.exists():
        import tomllib  # only when there is a file: start-up time counts on a kiosk

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{path}: cannot read the settings file ({exc})") from exc
        for key, value in data.items():
            if key not in _BY_NAME:
                raise SettingsError(f"{path}: unknown setting {key!r}")
            values[key] = _coerce(key, value, str(path))
            sources[key] = str(path)
    for option in SETTINGS:
        env_name = "KIOSK_" + option.name.upper()
        if environ.get(env_name, "") != "":
            values[option.name] = _coerce(option.name, environ[env_name], env_name)
            sources[option.name] = env_name
    for key, value in overrides.items():
        if value is not None:
            values[key] = _coerce(key, value, "command line")
            sources[key] = "command line"
    known = {f.name for f in fields(Settings)}
    settings = Settings(**{k: v for k, v in values.items() if k in known}, sources=sources)
    _validate(settings)
    return settings


def default_file_text() -> str:
    """A settings file with every option commented out at its default, for `kiosk config --init`."""
    import tomli_w

    lines = [
        "# City kiosk settings. Uncomment a line to change it; KIOSK_<NAME> variables override this file.",
        "",
    ]
    for option in SETTINGS:
        lines.append(f"# {option.help}")
        rendered = tomli_w.dumps({option.name: option.default}, multiline_strings=False).strip()
        lines.append(
            "# "
            + " ".join(part.strip() for part in rendered.splitlines()).replace("[ ", "[").replace(", ]", "]")
        )
        lines.append("")
    return "\n".join(lines)


def write_default_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Owner-only from the first byte: the file may later hold a database password.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(default_file_text())
