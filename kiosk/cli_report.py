"""`kiosk report`: the front desk's figures for a range of days, as CSV or PDF, in the staff's language."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path


def add_parser(commands) -> None:
    report = commands.add_parser(
        "report",
        help="visits, waiting and service times, first-contact resolution, satisfaction (CSV or PDF)",
    )
    report.add_argument("--from", dest="first", required=True, metavar="DATE", help="first day, YYYY-MM-DD")
    report.add_argument(
        "--to", dest="last", required=True, metavar="DATE", help="last day, YYYY-MM-DD (included)"
    )
    report.add_argument("--format", choices=("csv", "pdf"), default="csv")
    report.add_argument("-o", "--output", type=Path, help="the file to write (default: standard output)")
    report.add_argument("--lang", help="en, es, vi, zh_Hant or ru (default: the staff_language setting)")


def run(settings, args) -> int:
    from kiosk.i18n import LANGUAGE_CODES

    try:
        first, last = date.fromisoformat(args.first), date.fromisoformat(args.last)
    except ValueError as exc:
        print(f"kiosk: a date is YYYY-MM-DD ({exc})", file=sys.stderr)
        return 2
    language = args.lang or settings.staff_language
    if language not in LANGUAGE_CODES:
        print(f"kiosk: --lang is one of {', '.join(LANGUAGE_CODES)}", file=sys.stderr)
        return 2
    from kiosk.app import build_backend
    from kiosk.services import reports

    backend = build_backend(settings, seed=False)
    try:
        try:
            report = reports.build(backend.ctx, first, last)
        except ValueError as exc:
            print(f"kiosk: {exc}", file=sys.stderr)
            return 2
    finally:
        backend.dispose()
    if args.format == "csv":
        data = reports.to_csv(report, language)
    else:
        from kiosk.printing.report_pdf import render_report

        data = render_report(report, language, settings.building_name)
    if args.output:
        args.output.write_bytes(data)
        print(f"Wrote {args.output} ({report.visits} visits, {report.first} to {report.last})")
    else:
        sys.stdout.buffer.write(data)
    return 0
