"""The `kiosk` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk import __version__

KIOSK_FLAGS = {"--windowed", "--exit-when-ready", "--verbose"}


def _kiosk_only(argv: list[str]) -> argparse.Namespace | None:
    """The visitor kiosk's own start (no command, or ``kiosk``, with its flags): parsed without building
    every command's parser, a few milliseconds the lobby would otherwise wait for."""
    rest = [a for a in argv if a not in KIOSK_FLAGS]
    if rest not in ([], ["kiosk"]):
        return None
    return argparse.Namespace(
        command="kiosk",
        windowed="--windowed" in argv,
        exit_when_ready="--exit-when-ready" in argv,
        verbose="--verbose" in argv,
        database_url=None,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="The front desk of a city's 311 program. With no command: the visitor kiosk, fullscreen.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--windowed", action="store_true", help="run the kiosk in a window, not fullscreen")
    parser.add_argument("--database-url", help="override the database (SQLAlchemy URL)")
    parser.add_argument("--verbose", action="store_true", help="log debug detail")
    parser.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="show the welcome screen, print 'kiosk: ready' and exit",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("kiosk", help="the visitor kiosk (the default)")
    commands.add_parser("staff", help="the reception console")
    commands.add_parser("security", help="the security desk: visitor sign-in and out, badges, roll call")
    visitors_parser = commands.add_parser("visitors", help="the security desk's visitor log")
    visitors_commands = visitors_parser.add_subparsers(
        dest="visitors_command", metavar="ACTION", required=True
    )
    visitor_export = visitors_commands.add_parser(
        "export", help="the log of a range of days as CSV (UTF-8 with a BOM, for Excel)"
    )
    visitor_export.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    visitor_export.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD (included)")
    visitor_export.add_argument(
        "-o", "--output", type=Path, help="the file to write (default: standard output)"
    )
    commands.add_parser("demo", help="kiosk and reception console side by side, with demo data")
    shown = commands.add_parser("display", help="the now-serving display for the waiting area (fullscreen)")
    shown.add_argument("--window", action="store_true", help="in a window, not fullscreen")
    shown.add_argument("--lang", help="the screen's language (default: the default_language setting)")
    shown.add_argument("--no-sound", action="store_true", help="no chime and no spoken calls")
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="bring the database to the newest schema")
    db_commands.add_parser("current", help="print the database's schema revision")
    db_backup = db_commands.add_parser(
        "backup", help="copy the SQLite database to FILE (safe while stations are running)"
    )
    db_backup.add_argument("file", type=Path)
    db_restore = db_commands.add_parser(
        "restore", help="replace the SQLite database with the backup FILE (stop every station first)"
    )
    db_restore.add_argument("file", type=Path)
    commands.add_parser(
        "doctor", help="check the database, fonts, speech, printer and central service; say how to fix them"
    )
    selftest = commands.add_parser(
        "self-test", help="check visitors in at the kiosk offscreen on a throwaway database; print to PDF"
    )
    selftest.add_argument("--visits", type=int, default=1, help="how many visitors (default 1)")
    selftest.add_argument("--pdf-dir", type=Path, help="print each ticket as a PDF file here")
    shot = commands.add_parser("screenshot", help="render a screen to PNG (offscreen)")
    shot.add_argument("screen", nargs="?", help="the screen's name (see --list)")
    shot.add_argument("--list", action="store_true", help="name the screens that can be rendered")
    shot.add_argument("--lang", default="en", help="en, es, vi, zh_Hant or ru")
    shot.add_argument("--large-print", action="store_true")
    shot.add_argument("--high-contrast", action="store_true")
    shot.add_argument("--size", help="WIDTHxHEIGHT in pixels")
    shot.add_argument("-o", "--output", type=Path, help="the PNG file to write")
    test = commands.add_parser("print-test", help="print a test receipt (every script the kiosk prints)")
    where = test.add_mutually_exclusive_group()
    where.add_argument(
        "--printer",
        metavar="NAME",
        help="a printer: a CUPS queue (Linux) or system printer (Windows, macOS) by name, or a setting "
        "value such as cups:QUEUE or escpos:network:HOST (default: the printer setting)",
    )
    where.add_argument("--pdf", metavar="FILE", type=Path, help="write the receipt to a PDF file")
    test.add_argument("--lang", default="en", help="en, es, vi, zh_Hant or ru")
    test.add_argument("--paper", choices=("80mm", "letter"), help="default: the printer_paper setting")
    test.add_argument("--large-print", action="store_true")
    catalog = commands.add_parser("catalog", help="the city information the kiosk's lookup offers")
    catalog_commands = catalog.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    importing = catalog_commands.add_parser(
        "import", help="check a catalogue file and add it (same ids replace)"
    )
    importing.add_argument("file", type=Path)
    exporting = catalog_commands.add_parser("export", help="write the whole catalogue as one JSON file")
    exporting.add_argument("-o", "--output", type=Path, help="the file to write (default: standard output)")
    sync = commands.add_parser("sync", help="send the outbox to the central 311 service (Open311)")
    sync.add_argument("--once", action="store_true", help="send what is due, then exit")
    sync.add_argument(
        "action",
        nargs="?",
        choices=["status", "resume"],
        help="status: how delivery is going; resume: deliver again after the api key was fixed",
    )
    rooms = commands.add_parser("rooms", help="the discussion rooms visitors and reception can book")
    rooms_commands = rooms.add_subparsers(dest="rooms_command", metavar="ACTION", required=True)
    rooms_commands.add_parser("list", help="every room, with its capacity and features")
    room = rooms_commands.add_parser("set", help="add a room or change one (unset options keep their value)")
    room.add_argument("code", help="a short name that never changes, e.g. room-3")
    room.add_argument("--name", help="the name on the kiosk, e.g. 'Discussion Room 3'")
    room.add_argument("--capacity", type=int, help="how many people fit")
    room.add_argument("--features", help="comma-separated: wheelchair, hearing_loop, video_relay, quiet")
    room.add_argument("--order", type=int, help="where it is listed (smaller first)")
    state = room.add_mutually_exclusive_group()
    state.add_argument("--inactive", action="store_true", help="no longer offered for booking")
    state.add_argument("--active", action="store_true", help="offered again")
    from kiosk import cli_privacy, cli_users

    cli_users.add_parser(commands)
    cli_privacy.add_parser(commands)
    from kiosk import cli_report

    cli_report.add_parser(commands)
    config = commands.add_parser("config", help="show the settings in force and where they come from")
    config.add_argument(
        "--init", action="store_true", help="write a settings file with every option documented"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    if getattr(sys, "frozen", False) and given[:1] == ["--speech-worker"]:
        # The bundle's speech process (kiosk/speech/pyttsx.py), before anything else is imported.
        from kiosk.speech.pyttsx_worker import serve

        return serve(driver=given[1] if len(given) > 1 else None)
    args = _kiosk_only(given) or _parser().parse_args(given)
    from kiosk.settings import SettingsError, config_path, load_settings

    try:
        settings = load_settings(database_url=args.database_url)
    except SettingsError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    command = args.command or "kiosk"
    if command == "config":
        return _config(settings, args, config_path())
    if command == "screenshot":
        return _screenshot(args)
    if command == "db":
        return _db(settings, args)
    if command == "doctor":
        from kiosk.doctor import report, run_checks

        return report(run_checks(settings, config_path()))
    if command == "self-test":
        return _self_test(args)
    if command == "print-test":
        return _print_test(settings, args)
    if command == "rooms":
        return _rooms(settings, args)
    if command == "sync":
        return _sync(settings, args)
    if command == "catalog":
        return _catalog(settings, args)
    if command == "visitors":
        return _visitors(settings, args)
    if command == "users":
        from kiosk import cli_users

        return cli_users.run(settings, args)
    if command == "purge":
        from kiosk import cli_privacy

        return cli_privacy.run(settings, args)
    if command == "report":
        from kiosk import cli_report

        return cli_report.run(settings, args)

    if command == "display":
        from kiosk.app import configure_logging, run_display
        from kiosk.i18n import LANGUAGE_CODES

        if args.lang and args.lang not in LANGUAGE_CODES:
            print(f"kiosk: --lang must be one of {', '.join(LANGUAGE_CODES)}", file=sys.stderr)
            return 2
        configure_logging(settings, args.verbose)
        return run_display(
            settings, windowed=args.windowed or args.window, language=args.lang, sound=not args.no_sound
        )
    from kiosk.app import configure_logging, run_demo, run_kiosk, run_staff

    if command != "kiosk":
        configure_logging(settings, args.verbose)
    if command == "staff":
        return run_staff(settings)
    if command == "security":
        from kiosk.app import run_security

        return run_security(settings)
    if command == "demo":
        if not args.database_url and "database_url" not in settings.sources.values():
            from dataclasses import replace

            demo_db = settings.data_path / "demo.sqlite3"
            settings = replace(settings, database_url=f"sqlite:///{demo_db}")
            print(f"kiosk demo: database {demo_db}")
        return run_demo(settings)
    return run_kiosk(
        settings, windowed=args.windowed, exit_when_ready=args.exit_when_ready, verbose=args.verbose
    )


def _config(settings, args, path: Path) -> int:
    from kiosk.settings import SETTINGS, write_default_file

    if args.init:
        if path.exists():
            print(f"kiosk: {path} exists; not overwritten", file=sys.stderr)
            return 1
        write_default_file(path)
        print(f"Wrote {path}")
        return 0
    print(f"settings file: {path}{'' if path.exists() else ' (absent: defaults in force)'}")
    for option in SETTINGS:
        value = getattr(settings, option.name)
        if option.name == "database_url":
            from sqlalchemy.engine import make_url

            value = make_url(settings.effective_database_url).render_as_string(hide_password=True)
        print(f"{option.name} = {value!r}    [{settings.sources.get(option.name, 'default')}]")
    return 0


def _print_test(settings, args) -> int:
    from datetime import UTC, datetime

    from kiosk.i18n import LANGUAGE_CODES
    from kiosk.printing.backends import PdfFilePrinter, printer_from_spec
    from kiosk.printing.content import Paper, TestReceipt
    from kiosk.printing.jobs import ReceiptPrinting
    from kiosk.services.ports import PrinterError

    if args.lang not in LANGUAGE_CODES:
        print(f"kiosk: --lang must be one of {', '.join(LANGUAGE_CODES)}", file=sys.stderr)
        return 2
    if args.pdf:
        printer = PdfFilePrinter(args.pdf)
    else:
        spec = args.printer or settings.printer
        if args.printer and ":" not in spec:
            spec = f"{'system' if sys.platform in ('win32', 'darwin') else 'cups'}:{spec}"
        try:
            printer = printer_from_spec(spec)
        except ValueError as exc:
            print(f"kiosk: {exc}", file=sys.stderr)
            return 2
        if printer is None:
            print(
                "kiosk: no printer: give --printer NAME or --pdf FILE, or set the printer setting",
                file=sys.stderr,
            )
            return 2
    content = TestReceipt(
        building=settings.building_name,
        printer=printer.name,
        printed_at=datetime.now(UTC),
        timezone=settings.zone,
    )
    paper = Paper(args.paper or settings.printer_paper)
    try:
        document = ReceiptPrinting(printer, paper).print_content(content, args.lang, args.large_print)
    except PrinterError as exc:
        print(f"kiosk: the printer {printer.name} did not print: {exc}", file=sys.stderr)
        return 1
    width, height = document.page_size_mm
    print(f"Printed a test receipt on {printer.name} ({width:.0f} x {height:.0f} mm, {args.lang})")
    return 0


def _catalog(settings, args) -> int:
    import json
    import shutil

    from kiosk.resources.catalogue_loader import load_catalogue, to_json
    from kiosk.services.lookup import catalogue_files

    if args.catalog_command == "import":
        if not args.file.exists():
            print(f"kiosk: no file {args.file}", file=sys.stderr)
            return 2
        checked = load_catalogue([*catalogue_files(None), args.file])
        own = [p for p in checked.problems if p.startswith(str(args.file)) or p.startswith("entry ")]
        if own:
            print(f"kiosk: {args.file} was not imported; fix these first:", file=sys.stderr)
            for problem in own:
                print(f"  {problem}", file=sys.stderr)
            return 2
        folder = settings.data_path / "catalogue"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(args.file, folder / args.file.name)
        count = len(load_catalogue([args.file]).entries)
        print(f"Imported {count} entries from {args.file.name}; kiosks use them from their next start.")
        return 0
    merged = load_catalogue(catalogue_files(settings.data_path))
    text = json.dumps(to_json(merged), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"Wrote {len(merged.entries)} entries and {len(merged.bureaus)} bureaus to {args.output}")
    else:
        sys.stdout.write(text)
    for problem in merged.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return 0


def _sync(settings, args) -> int:
    import logging
    import time

    from kiosk.app import build_backend, open311_client, station_name
    from kiosk.open311.keys import ApiKeyError
    from kiosk.services import sync

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    backend = build_backend(settings)
    try:
        if args.action == "status":
            return _print_sync_status(settings, backend.ctx)
        if args.action == "resume":
            sync.resume(backend.ctx)
            print("Delivery resumed.")
            return 0
        try:
            client = open311_client(settings)
        except ApiKeyError as exc:
            print(f"kiosk: {exc}", file=sys.stderr)
            return 2
        if client is None:
            print(
                "kiosk: no central service configured (set open311_base_url); requests stay in the outbox",
                file=sys.stderr,
            )
            return 2
        device = station_name(settings)
        while True:
            try:
                sync.refresh_catalogue(backend.ctx, client)
            except Exception as exc:  # noqa: BLE001 - reported, and the outbox is still worth sending
                print(f"catalogue not refreshed: {exc}", file=sys.stderr)
            report = sync.sync_once(backend.ctx, client, device)
            print(
                f"sent {report.sent}, found already filed {report.reconciled}, to retry {report.retried}, "
                f"refused {report.refused}, tokens resolved {report.tokens_resolved}"
                + (", PAUSED (api key refused)" if report.paused else "")
                + (f"; last error: {report.error}" if report.error else ""),
                flush=True,
            )
            if args.once:
                return 1 if report.paused else 0
            time.sleep(settings.sync_interval_seconds)
    finally:
        backend.dispose()


def _print_sync_status(settings, ctx) -> int:
    from kiosk.services import sync

    state, counts = sync.status(ctx)
    zone = settings.zone

    def when(moment) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z") if moment else "never"

    print(f"central service: {settings.open311_base_url or 'not configured'}")
    print(f"last successful contact: {when(state.last_success_at)}")
    print(f"last attempt: {when(state.last_attempt_at)}")
    print(f"catalogue fetched: {when(state.catalogue_fetched_at)}")
    if state.last_error:
        print(f"last error: {state.last_error}")
    if state.paused(ctx.now()):
        print(
            f"PAUSED until {when(state.paused_until)}: {state.paused_reason} (fix the api key, then `kiosk sync resume`)"
        )
    for name in ("queued", "needs_person", "sent", "cancelled"):
        print(f"{name}: {sum(n for s, n in counts.items() if s.value == name)}")
    return 0


def _visitors(settings, args) -> int:
    from dataclasses import replace
    from datetime import date

    from kiosk.app import build_backend, station_name
    from kiosk.services import visitors

    try:
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError:
        print("kiosk: --from and --to are days like 2026-11-25", file=sys.stderr)
        return 2
    backend = build_backend(settings)
    try:
        import getpass

        # The export hands personal data out: the audit log says who ran it, and where.
        ctx = replace(backend.ctx, actor=f"cli:{getpass.getuser()}"[:32], station=station_name(settings))
        data = visitors.export_csv(ctx, start, end)
    finally:
        backend.dispose()
    if args.output:
        args.output.write_bytes(data)
        rows = data.count(b"\r\n") - 1
        print(f"Wrote {rows} visits to {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def _rooms(settings, args) -> int:
    from dataclasses import replace

    from kiosk.app import build_backend
    from kiosk.cli_users import operator
    from kiosk.domain.errors import DomainError
    from kiosk.domain.rooms import FEATURES, Room
    from kiosk.services import rooms

    backend = build_backend(settings)
    ctx = replace(backend.ctx, actor=operator(), station="command line")
    try:
        known = {room.code: room for room in rooms.list_rooms(ctx, include_inactive=True)}
        if args.rooms_command == "list":
            for room in known.values():
                state = "" if room.active else "  (not offered)"
                features = ", ".join(room.features) or "-"
                print(f"{room.code:12} {room.name:28} {room.capacity:3} people  {features}{state}")
            return 0
        room = known.get(args.code)
        if room is None and not (args.name and args.capacity):
            print(
                f"kiosk: a new room needs --name and --capacity ({args.code!r} does not exist)",
                file=sys.stderr,
            )
            return 2
        room = room or Room(args.code, args.name, args.capacity, sort_order=len(known) + 1)
        features = room.features
        if args.features is not None:
            features = tuple(f.strip() for f in args.features.split(",") if f.strip())
            unknown = sorted(set(features) - set(FEATURES))
            if unknown:
                print(f"kiosk: unknown features {unknown}; known: {', '.join(FEATURES)}", file=sys.stderr)
                return 2
        changed = replace(
            room,
            name=args.name or room.name,
            capacity=room.capacity if args.capacity is None else args.capacity,
            features=features,
            sort_order=room.sort_order if args.order is None else args.order,
            active=(room.active or args.active) and not args.inactive,
        )
        try:
            changed = rooms.put_room(ctx, changed)
        except DomainError:
            print("kiosk: a room needs a code, a name and a capacity of at least 1", file=sys.stderr)
            return 2
        print(
            f"{'Changed' if args.code in known else 'Added'} {changed.code}: {changed.name}, {changed.capacity} people"
        )
        return 0
    finally:
        backend.dispose()


def _self_test(args) -> int:
    import tempfile

    from kiosk.selftest import SelfTestError, run

    with tempfile.TemporaryDirectory(prefix="kiosk-self-test-") as tmp:
        try:
            return run(args.visits, Path(tmp), args.pdf_dir)
        except SelfTestError as exc:
            print(f"kiosk: self-test failed: {exc}", file=sys.stderr)
            return 1


def _db_backup(settings, args) -> int:
    from kiosk.storage.backup import BackupError, backup, restore

    try:
        if args.db_command == "backup":
            result = backup(settings.effective_database_url, args.file)
            print(
                f"Backed up to {result.path} ({result.size / 1e6:.1f} MB, {result.tickets} tickets, "
                f"schema {result.revision}); integrity check ok"
            )
        else:
            restored = restore(settings.effective_database_url, args.file)
            print(f"Restored {restored.database} from {args.file} (schema {restored.revision})")
            if restored.safety_copy:
                print(f"The database it replaced is kept at {restored.safety_copy}")
    except BackupError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    return 0


def _db(settings, args) -> int:
    if args.db_command in ("backup", "restore"):
        return _db_backup(settings, args)
    from kiosk.storage.database import make_engine
    from kiosk.storage.migrate import current_revision, upgrade

    engine = make_engine(settings.effective_database_url)
    try:
        if args.db_command == "upgrade":
            changed = upgrade(engine)
            print("Database upgraded." if changed else "Database already up to date.")
        else:
            database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
            if database and not Path(database).exists():
                print(f"empty (no database at {database})")
                return 0
            with engine.connect() as connection:
                print(current_revision(connection) or "empty")
    finally:
        engine.dispose()
    return 0


def _screenshot(args) -> int:
    from kiosk.i18n import LANGUAGE_CODES
    from kiosk.screenshots import SCREENS, render

    if args.list:
        for name, what in SCREENS.items():
            print(f"{name:14} {what}")
        return 0
    if not args.screen or args.screen not in SCREENS:
        given = f"no screen {args.screen!r}; " if args.screen else ""
        print(f"kiosk: {given}name one of: {', '.join(SCREENS)}", file=sys.stderr)
        return 2
    if args.screen == "console" and (args.large_print or args.high_contrast):
        print(
            "kiosk: --large-print and --high-contrast apply to the visitor kiosk's screens, not the console",
            file=sys.stderr,
        )
        return 2
    if args.lang not in LANGUAGE_CODES:
        print(f"kiosk: --lang must be one of {', '.join(LANGUAGE_CODES)}", file=sys.stderr)
        return 2
    size = None
    if args.size:
        try:
            width, height = (int(v) for v in args.size.lower().split("x"))
            size = (width, height)
        except ValueError:
            print("kiosk: --size must look like 1920x1080", file=sys.stderr)
            return 2
    modes = ("-large" if args.large_print else "") + ("-contrast" if args.high_contrast else "")
    output = args.output or Path(f"{args.screen}-{args.lang}{modes}.png")
    render(
        args.screen,
        args.lang,
        output,
        large_print=args.large_print,
        size=size,
        high_contrast=args.high_contrast,
    )
    print(output)
    return 0
