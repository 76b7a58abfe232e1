"""`kiosk purge`: remove personal data past its retention now, or show what would go."""

from __future__ import annotations


def add_parser(commands) -> None:
    purge = commands.add_parser(
        "purge", help="remove or anonymise personal data past its retention (stations also do this daily)"
    )
    purge.add_argument("--dry-run", action="store_true", help="only count what would be removed")


def run(settings, args) -> int:
    from dataclasses import replace

    from kiosk.app import build_backend, retention_of
    from kiosk.cli_users import operator
    from kiosk.services.privacy import purge

    backend = build_backend(settings, seed=False)
    try:
        ctx = replace(backend.ctx, actor=operator(), station="command line")
        report = purge(ctx, retention_of(settings), dry_run=args.dry_run)
    finally:
        backend.dispose()
    verb = "would be" if args.dry_run else "were"
    print(f"Personal data past its retention ({'dry run: nothing changed' if args.dry_run else 'removed'}):")
    print(
        f"  queue tickets' first names {verb} cleared: {report.ticket_names}"
        f" (older than {settings.retention_ticket_names_days} day(s))"
    )
    print(f"  room bookings' names {verb} cleared: {report.booking_names}")
    print(
        f"  requests' name, e-mail and phone {verb} cleared: {report.request_contacts}"
        f" (sent or cancelled over {settings.retention_request_personal_days} days ago)"
    )
    print(
        f"  feedback comments {verb} cleared: {report.feedback_comments}"
        f" (over {settings.retention_feedback_comment_days} days old)"
    )
    print(
        f"  visitor log entries {verb} anonymised: {report.visitors}"
        f" (signed out over {settings.retention_visitor_log_days} days ago)"
    )
    print(
        f"  audit log entries {verb} deleted: {report.audit_entries}"
        f" (over {settings.retention_audit_days} days old)"
    )
    return 0
