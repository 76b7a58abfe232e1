"""`kiosk doctor`: what is wrong with this station and how to fix it, for the city's IT staff.

Each check answers ok, warning (the kiosk works, with something missing: no speech, no central
service) or problem (something visitors or staff will miss: no database, fonts that draw boxes, a
printer that cannot print). Every answer that is not ok carries one line of advice. The output is for
operators and stays in English.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kiosk.settings import Settings

OK, WARNING, PROBLEM = "ok", "warning", "problem"
NETWORK_TIMEOUT_S = 5.0
COMMAND_TIMEOUT_S = 10.0
# The screen's Chinese comes from fonts shipped with the program (kiosk/ui/fonts.py); tests point this
# at a broken folder.
SCREEN_FONT_DIR = Path(__file__).resolve().parent / "resources" / "fonts"
# Every text the kiosk shows, in each language, is written in these characters (plus what each
# language's translations use, added at run time): tones and Cyrillic come from the system's sans.
SAMPLES = {
    "vi": "Thành phố: Đường, giấy phép, nước, Chúng tôi có thể giúp gì cho quý vị hôm nay? ỳ ỹ ự ố ằ",
    "ru": "Добро пожаловать. Чем мы можем помочь? Ёё",
    "zh_Hant": "歡迎。今天我們能為您做什麼？號碼 許可證 停車",
    "es": "Bienvenido. ¿En qué podemos ayudarle? ñ á é í ó ú ü",
}
WELCOME = "Welcome. How can we help you today?"


@dataclass(frozen=True)
class Finding:
    check: str
    level: str
    message: str
    advice: str = ""


def _linux() -> bool:
    return sys.platform.startswith("linux")


def _apt(package: str) -> str:
    return f"sudo apt-get install {package}"


# -- settings ---------------------------------------------------------------------------------------
def check_settings_file(path: Path, settings: Settings) -> Finding:
    if not path.exists():
        return Finding("settings", OK, f"no settings file at {path}: defaults in force")
    if os.name != "posix":
        return Finding("settings", OK, f"{path} (permissions are not checked on this system)")
    mode = stat.S_IMODE(path.stat().st_mode)
    secret = bool(settings.open311_api_key and not settings.open311_api_key.startswith("keyring:"))
    if settings.database_url:
        from sqlalchemy.engine import make_url

        secret = secret or bool(make_url(settings.database_url).password)
    if mode & 0o077:
        level = PROBLEM if secret else WARNING
        what = "holds a password or api key and " if secret else ""
        return Finding(
            "settings",
            level,
            f"{path} {what}can be read by other users (mode {mode:03o})",
            f"chmod 600 {path}",
        )
    return Finding("settings", OK, f"{path} (mode {mode:03o})")


# -- database ---------------------------------------------------------------------------------------
def check_database(settings: Settings) -> list[Finding]:
    from sqlalchemy.engine import make_url

    from kiosk.storage.database import make_engine
    from kiosk.storage.migrate import HEAD, MIGRATIONS, current_revision

    url = settings.effective_database_url
    shown = make_url(url).render_as_string(hide_password=True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        folder = Path(parsed.database).parent
        if folder.exists() and not os.access(folder, os.W_OK):
            return [
                Finding(
                    "database",
                    PROBLEM,
                    f"no database yet at {parsed.database}, and its folder is not writable",
                    f"make {folder} writable by the kiosk's user (or set data_dir)",
                )
            ]
        return [
            Finding(
                "database",
                WARNING,
                f"no database yet at {parsed.database}",
                "run `kiosk db upgrade` (every station also creates it when it starts)",
            )
        ]
    try:
        engine = make_engine(url) if parsed.get_backend_name() == "sqlite" else _pg_engine(url)
    except Exception as exc:  # noqa: BLE001 - a driver missing is reported like any other reason
        return [Finding("database", PROBLEM, f"cannot use {shown}: {exc}", _database_advice(parsed, exc))]
    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
    except Exception as exc:  # noqa: BLE001 - every reason a database cannot be reached is reported
        reason = str(exc).splitlines()[0][:200]
        return [
            Finding("database", PROBLEM, f"cannot reach {shown}: {reason}", _database_advice(parsed, exc))
        ]
    finally:
        engine.dispose()
    found = [Finding("database", OK, f"{shown} answers")]
    known = {p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("*.py")}
    if revision == HEAD:
        found.append(Finding("migrations", OK, f"schema at the newest revision ({HEAD})"))
    elif revision is None:
        found.append(
            Finding(
                "migrations",
                WARNING,
                "the database is empty (no schema yet)",
                "run `kiosk db upgrade` (every station also does it when it starts)",
            )
        )
    elif revision.split("_", 1)[0] in known:
        found.append(
            Finding(
                "migrations",
                WARNING,
                f"schema at {revision}, not the newest ({HEAD})",
                "run `kiosk db upgrade` once (stations also upgrade when they start)",
            )
        )
    else:
        found.append(
            Finding(
                "migrations",
                PROBLEM,
                f"schema at {revision}, which this version of the kiosk does not know",
                "a newer kiosk upgraded this database: install that same version on every station",
            )
        )
    return found


def _pg_engine(url: str):
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    # No pool and a short connect timeout: a doctor must not hang on a server that is down.
    from sqlalchemy.pool import NullPool

    return create_engine(parsed, poolclass=NullPool, connect_args={"connect_timeout": int(NETWORK_TIMEOUT_S)})


def _database_advice(parsed, exc: Exception) -> str:
    if isinstance(exc, ModuleNotFoundError):
        return "install the PostgreSQL driver: python -m pip install 'city-kiosk[postgres]'"
    if parsed.get_backend_name() == "postgresql":
        text = str(exc).lower()
        if "password" in text or "authentication" in text:
            return "check the user name and password in database_url"
        if "does not exist" in text:
            return "create the database (createdb) or fix its name in database_url"
        return (
            f"check that PostgreSQL runs on {parsed.host or 'localhost'}:{parsed.port or 5432} "
            "and that this machine may connect (pg_hba.conf, firewall)"
        )
    return "check that the data directory is on a working disk and writable by the kiosk's user"


# -- fonts ------------------------------------------------------------------------------------------
def language_samples() -> dict[str, str]:
    """For each language: its name, its welcome as translated, and the characters listed in SAMPLES."""
    from kiosk.i18n import LANGUAGE_CODES, _, endonym, use_language

    samples = {}
    for code in LANGUAGE_CODES:
        with use_language(code):
            samples[code] = f"{endonym(code)} {_(WELCOME)} {SAMPLES.get(code, '')}"
    return samples


def _untranslated() -> list[str]:
    from kiosk.i18n import LANGUAGE_CODES, _, use_language

    missing = []
    for code in LANGUAGE_CODES:
        if code == "en":
            continue
        with use_language(code):
            if _(WELCOME) == WELCOME:
                missing.append(code)
    return missing


def _qt_gui():
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        # No window is shown: the doctor runs over ssh too, where there is no display.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(sys.argv[:1])
    return app


def check_screen_fonts(font_dir: Path | None = None) -> list[Finding]:
    """Every character of every language's sample is drawn by the bundled fonts or the system's sans
    families the kiosk asks for (kiosk/ui/fonts.py), never by a box."""
    from PySide6.QtGui import QFont, QFontDatabase, QRawFont

    from kiosk.ui.fonts import BUNDLED, FAMILIES

    font_dir = font_dir or SCREEN_FONT_DIR
    _qt_gui()
    found: list[Finding] = []
    raws = []
    for name in BUNDLED:
        path = font_dir / name
        raw = QRawFont(str(path), 16) if path.is_file() else QRawFont()
        if not raw.isValid():
            found.append(
                Finding(
                    "fonts",
                    PROBLEM,
                    f"the kiosk's own font {name} is missing or unreadable in {font_dir}",
                    "reinstall the kiosk: its fonts folder is incomplete",
                )
            )
            continue
        raws.append(raw)
    system = [f for f in FAMILIES if QFontDatabase.hasFamily(f)]
    raws.extend(QRawFont.fromFont(QFont(family)) for family in system)
    raws = [raw for raw in raws if raw.isValid()]
    for code, text in language_samples().items():
        missing = sorted(
            {ch for ch in text if not ch.isspace() and not any(r.supportsCharacter(ord(ch)) for r in raws)}
        )
        if not missing:
            continue
        shown = "".join(missing[:12])
        if code == "zh_Hant":
            advice = "reinstall the kiosk: its Chinese font (NotoSansCJKtc-*-subset.otf) does not load"
        elif _linux():
            advice = f"{_apt('fonts-dejavu-core')} (the sans font the kiosk draws Latin and Cyrillic with)"
        else:
            advice = "install a sans font with Vietnamese and Cyrillic (Segoe UI comes with Windows)"
        found.append(Finding("fonts", PROBLEM, f"{code}: no font on screen draws {shown!r}", advice))
    if not found:
        found.append(
            Finding(
                "fonts", OK, f"every language draws with the kiosk's fonts and {', '.join(system) or 'none'}"
            )
        )
    untranslated = _untranslated()
    if untranslated:
        found.append(
            Finding(
                "translations",
                PROBLEM,
                f"no translations load for {', '.join(untranslated)}",
                "reinstall the kiosk: its translations folder is missing or unreadable",
            )
        )
    else:
        found.append(Finding("translations", OK, "every language's translations load"))
    return found


def check_print_fonts() -> Finding:
    try:
        from kiosk.printing.fonts import register_fonts

        coverage = register_fonts()
    except Exception as exc:  # noqa: BLE001 - a missing or damaged font file, whatever reportlab says
        return Finding(
            "receipt fonts", PROBLEM, f"the receipt fonts do not load: {exc}", "reinstall the kiosk"
        )
    covered = coverage.sans | coverage.ming
    for code, text in language_samples().items():
        missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in covered})
        if missing:
            return Finding(
                "receipt fonts",
                PROBLEM,
                f"{code}: receipts cannot print {''.join(missing[:12])!r}",
                "rebuild the print fonts (python tools/subset_print_fonts.py) and reinstall",
            )
    return Finding("receipt fonts", OK, "receipts print every language")


# -- speech -----------------------------------------------------------------------------------------
def espeak_voices() -> set[str] | None:
    """The voice names espeak-ng lists, or None when espeak-ng is not installed."""
    program = shutil.which("espeak-ng")
    if program is None:
        return None
    listing = subprocess.run(
        [program, "--voices"], capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False
    ).stdout
    voices = set()
    for line in listing.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 4:
            voices.update((parts[1], parts[3]))
    return voices


def check_speech(voices: Callable[[], set[str] | None] = espeak_voices) -> list[Finding]:
    from kiosk.speech.voices import CANTONESE, MANDARIN, VOICES

    if sys.platform in ("win32", "darwin"):
        import importlib.util

        if importlib.util.find_spec("pyttsx3") is None:
            return [
                Finding(
                    "speech",
                    WARNING,
                    "pyttsx3 is missing: the kiosk cannot read aloud",
                    "reinstall the kiosk",
                )
            ]
        return [
            Finding(
                "speech",
                OK,
                "pyttsx3 present; add the system voices for es, vi, zh-HK and ru in the system's "
                "speech settings if visitors need them",
            )
        ]
    found = voices()
    if found is None:
        return [
            Finding(
                "speech",
                WARNING,
                "espeak-ng is not installed: the kiosk offers no 'Read aloud'",
                _apt("espeak-ng"),
            )
        ]
    wanted = {code: voice for code, voice in VOICES.items() if code != "zh_Hant"}
    wanted["zh_Hant (Cantonese)"] = CANTONESE
    wanted["zh_Hant (Mandarin)"] = MANDARIN
    missing = {code: voice for code, voice in wanted.items() if voice not in found}
    if missing:
        # A warning: the kiosk still works, reading those languages with the English voice.
        return [
            Finding(
                "speech",
                WARNING,
                "espeak-ng has no voice for "
                + ", ".join(f"{code} ({voice})" for code, voice in missing.items()),
                f"{_apt('espeak-ng-data')} (Debian 12's espeak-ng 1.51 has all of them)",
            )
        ]
    return [Finding("speech", OK, "espeak-ng voices for en, es, vi, ru, Cantonese and Mandarin")]


# -- printer ----------------------------------------------------------------------------------------
def check_printer(settings: Settings) -> Finding:
    spec = settings.printer.strip()
    kind, _sep, rest = spec.partition(":")
    if kind in ("", "none"):
        return Finding("printer", OK, "no printer set: the kiosk shows numbers and prints nothing")
    if kind == "pdf":
        folder = Path(rest).expanduser() if rest else None
        if folder is None:
            return Finding("printer", OK, "PDF receipts in the temporary folder")
        if not folder.is_dir():
            return Finding(
                "printer",
                PROBLEM,
                f"the PDF folder {folder} does not exist",
                f"mkdir -p {folder} (writable by the kiosk's user)",
            )
        if not os.access(folder, os.W_OK):
            return Finding(
                "printer", PROBLEM, f"the PDF folder {folder} is not writable", f"make {folder} writable"
            )
        return Finding("printer", OK, f"PDF receipts in {folder}")
    if kind == "cups":
        return check_cups_queue(rest)
    if kind == "system":
        return _check_system_printer(rest)
    if kind == "escpos":
        return _check_escpos(rest)
    return Finding("printer", PROBLEM, f"unknown printer setting {spec!r}", "see `kiosk config --init`")


def check_cups_queue(queue: str) -> Finding:
    lpstat = shutil.which("lpstat")
    if lpstat is None or shutil.which("lp") is None:
        return Finding(
            "printer",
            PROBLEM,
            f"CUPS queue {queue!r} set, but lp/lpstat are not installed",
            _apt("cups-client"),
        )
    try:
        # lpstat -p alone says "invalid destination" when the scheduler is down: ask about it first.
        scheduler = subprocess.run(
            [lpstat, "-r"], capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False
        )
        result = subprocess.run(
            [lpstat, "-p", queue], capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return Finding("printer", PROBLEM, "lpstat did not answer", "sudo systemctl restart cups")
    if "not running" in scheduler.stdout + scheduler.stderr:
        return Finding(
            "printer",
            PROBLEM,
            f"the CUPS print service is not running (printer setting: cups:{queue})",
            "sudo systemctl enable --now cups",
        )
    text = (result.stdout + result.stderr).strip()
    lowered = text.lower()
    if result.returncode != 0 or not result.stdout.strip():
        return Finding(
            "printer",
            PROBLEM,
            f"there is no CUPS queue {queue!r} ({text.splitlines()[0] if text else 'lpstat found none'})",
            f"add it (sudo lpadmin -p {queue} -E -v DEVICE-URI -m everywhere) or fix the printer "
            "setting; `lpstat -p` lists the queues",
        )
    if "disabled" in lowered:
        return Finding(
            "printer",
            PROBLEM,
            f"the CUPS queue {queue!r} is disabled: {text.splitlines()[0]}",
            f"fix the printer (paper, cable), then: sudo cupsenable {queue}",
        )
    return Finding("printer", OK, f"CUPS queue {queue!r}: {result.stdout.strip().splitlines()[0]}")


def _check_system_printer(name: str) -> Finding:
    _qt_gui()
    from PySide6.QtPrintSupport import QPrinterInfo

    names = QPrinterInfo.availablePrinterNames()
    if name and name not in names:
        listed = ", ".join(names) or "none"
        return Finding(
            "printer",
            PROBLEM,
            f"no system printer named {name!r} (known: {listed})",
            "install the printer in the system's settings or fix the printer setting",
        )
    if not name and QPrinterInfo.defaultPrinter().isNull():
        return Finding(
            "printer", PROBLEM, "no default printer is set", "set a default printer in the system's settings"
        )
    return Finding("printer", OK, f"system printer {name or QPrinterInfo.defaultPrinterName()!r}")


def _check_escpos(rest: str) -> Finding:
    how, _sep, where = rest.partition(":")
    if how == "network":
        host, _sep, port = where.partition(":")
        try:
            with socket.create_connection((host, int(port or 9100)), timeout=NETWORK_TIMEOUT_S):
                pass
        except (OSError, ValueError) as exc:
            return Finding(
                "printer",
                PROBLEM,
                f"the thermal printer at {host}:{port or 9100} does not answer ({exc})",
                "check that it is on, cabled, and at that address (print its self-test page)",
            )
        return Finding("printer", OK, f"thermal printer at {host}:{port or 9100} answers")
    if how in ("serial", "file"):
        device = Path(where)
        if not device.exists():
            return Finding(
                "printer", PROBLEM, f"no device {device}", "check the cable, or fix the printer setting"
            )
        if not os.access(device, os.W_OK):
            return Finding(
                "printer",
                PROBLEM,
                f"{device} is not writable by this user",
                "add the kiosk's user to the device's group (sudo usermod -aG lp,dialout kiosk)",
            )
        return Finding("printer", OK, f"thermal printer on {device}")
    if how == "usb":
        try:
            import usb.core

            vendor, _sep, product = where.partition(":")
            device = usb.core.find(idVendor=int(vendor, 16), idProduct=int(product, 16))
        except Exception as exc:  # noqa: BLE001 - no libusb backend, a malformed id: reported alike
            return Finding(
                "printer", WARNING, f"USB printer {where} not checked ({exc})", "run `kiosk print-test`"
            )
        if device is None:
            return Finding(
                "printer", PROBLEM, f"no USB device {where}", "check the USB cable and that the printer is on"
            )
        return Finding("printer", OK, f"USB thermal printer {where} is connected")
    return Finding("printer", PROBLEM, f"unknown ESC/POS connection {rest!r}", "see `kiosk config --init`")


# -- central service ----------------------------------------------------------------------------------
def check_central_service(settings: Settings) -> Finding:
    if not settings.open311_base_url:
        return Finding(
            "central service",
            OK,
            "not configured: requests are kept in the outbox (set open311_base_url to send them)",
        )
    from kiosk.open311.client import HttpOpen311Client
    from kiosk.open311.keys import ApiKeyError, api_key_from

    try:
        key = api_key_from(settings.open311_api_key)
    except ApiKeyError as exc:
        return Finding("central service", PROBLEM, str(exc), "store the key again, or fix open311_api_key")
    url = settings.open311_base_url.rstrip("/") + "/services.json"
    client = HttpOpen311Client(
        settings.open311_base_url, key, settings.open311_jurisdiction_id, timeout=NETWORK_TIMEOUT_S
    )
    try:
        services = client.services()
    except Exception as exc:  # noqa: BLE001 - refused, timed out, unreadable: each told to staff
        return Finding(
            "central service",
            PROBLEM,
            f"{url} did not answer usefully: {str(exc).splitlines()[0][:200]}",
            "check the network and proxy, and open311_base_url; requests wait in the outbox meanwhile",
        )
    finally:
        client.close()
    if not key:
        return Finding(
            "central service",
            WARNING,
            f"{url} lists {len(services)} services, but no api key is set",
            "set open311_api_key (or keyring:SERVICE/USER): requests cannot be sent without it",
        )
    return Finding("central service", OK, f"{url} lists {len(services)} services")


# -- all together -----------------------------------------------------------------------------------
def run_checks(settings: Settings, config_file: Path) -> list[Finding]:
    findings = [check_settings_file(config_file, settings)]
    findings.extend(check_database(settings))
    findings.extend(check_screen_fonts())
    findings.append(check_print_fonts())
    findings.extend(check_speech())
    findings.append(check_printer(settings))
    findings.append(check_central_service(settings))
    return findings


def report(findings: Iterable[Finding], write: Callable[[str], object] = print) -> int:
    """Print the findings; 1 when any is a problem, else 0."""
    findings = list(findings)
    width = max(len(f.check) for f in findings)
    for finding in findings:
        write(f"{finding.level.upper():8} {finding.check:{width}}  {finding.message}")
        if finding.advice:
            write(f"{'':8} {'':{width}}  fix: {finding.advice}")
    problems = sum(f.level == PROBLEM for f in findings)
    warnings = sum(f.level == WARNING for f in findings)
    write(f"{problems} problem(s), {warnings} warning(s)")
    return 1 if problems else 0
