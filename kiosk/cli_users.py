"""`kiosk users`: the first administrator and the staff accounts, from a terminal."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

ROLES = ("reception", "security", "admin")


def add_parser(commands) -> None:
    users = commands.add_parser("users", help="staff accounts: add, list, disable, enable, reset")
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="a new staff account (asks for its PIN or password twice)")
    add.add_argument("username", help="2-32 letters a-z, digits, dots, dashes, underscores")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--name", help="the name shown on the station (default: the user name)")
    _secret_option(add)
    actions.add_parser("list", help="every account, its role and state")
    for name, text in (
        ("disable", "the account can no longer sign in (its history stays)"),
        ("enable", "the account can sign in again"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("username")
    reset = actions.add_parser("reset", help="a new PIN or password; also lifts a lock")
    reset.add_argument("username")
    _secret_option(reset)


def _secret_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--secret-stdin",
        action="store_true",
        help="read the PIN or password from the first line of standard input (for scripts)",
    )


def _read_secret(args) -> str | None:
    if args.secret_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("PIN (6+ digits) or password (10+ characters): ")
    if getpass.getpass("Again: ") != first:
        print("kiosk: the two entries differ; nothing changed", file=sys.stderr)
        return None
    return first


def operator() -> str:
    """Who ran the command, for the audit log: the operating-system account."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = str(os.getuid()) if hasattr(os, "getuid") else "?"
    return f"cli:{login}"[:32]


def run(settings, args) -> int:
    from dataclasses import replace

    from kiosk.app import build_backend
    from kiosk.domain.errors import DomainError
    from kiosk.domain.staff import Role
    from kiosk.i18n import _, use_language
    from kiosk.services import staff

    backend = build_backend(settings, seed=False)
    ctx = replace(backend.ctx, actor=operator(), station="command line")
    try:
        if args.users_command == "list":
            users = staff.list_users(ctx)
            if not users:
                print("No staff accounts yet. Add the first administrator with:")
                print("  kiosk users add NAME --role admin")
            now = ctx.now()
            for user in users:
                state = "disabled" if not user.active else ("locked" if user.is_locked(now) else "active")
                last = (
                    user.last_sign_in_at.astimezone(ctx.timezone).strftime("%Y-%m-%d %H:%M")
                    if (user.last_sign_in_at)
                    else "never"
                )
                print(
                    f"{user.username:20} {user.role.value:10} {state:9} last sign-in {last}  {user.display_name}"
                )
            return 0
        if args.users_command in ("disable", "enable"):
            change = staff.disable if args.users_command == "disable" else staff.enable
            user = change(ctx, args.username)
            print(f"{user.username}: {'disabled' if not user.active else 'enabled'}")
            return 0
        secret = _read_secret(args)
        if secret is None:
            return 1
        if args.users_command == "add":
            user = staff.add_user(ctx, args.username, Role(args.role), secret, args.name)
            print(f"Added {user.username} ({user.role.value})")
        else:
            user = staff.reset(ctx, args.username, secret)
            print(f"{user.username}: new secret set; the account is unlocked")
        return 0
    except DomainError as exc:
        with use_language(settings.staff_language):
            print(f"kiosk: {_(exc.message, **exc.params)}", file=sys.stderr)
        return 1
    finally:
        backend.dispose()
