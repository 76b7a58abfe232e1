"""A reception console in a process of its own, for the display tests: ``python -m
tests.integration.display_worker URL ACTION [ARGS]`` prints one JSON line with what it did."""

from __future__ import annotations

import json
import sys

from tests.integration.workers import context


def main(argv: list[str]) -> int:
    from kiosk.services import checkin, queue

    url, action, *rest = argv
    ctx, engine = context(url)
    try:
        if action == "check-in":
            code, language = rest
            ticket = checkin.check_in(ctx, code, language=language).ticket
        elif action == "call":
            ticket = queue.call_next(ctx, rest[0])
        elif action == "recall":
            ticket = queue.recall(ctx, int(rest[0]))
        else:
            raise SystemExit(f"unknown action {action}")
        print(json.dumps({"id": ticket.id, "number": ticket.number, "called_at": str(ticket.called_at)}))
        return 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
