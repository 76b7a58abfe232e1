"""A tiny screen-reader client: reads one application's accessibility tree over AT-SPI (D-Bus).

Runs under the system Python with Debian's python3-pyatspi, never inside the project's virtualenv:
pyatspi is the library Orca (the Linux screen reader) is built on, so names, roles, states and actions
are resolved exactly as a screen reader resolves them (libatspi finds the accessibility bus, talks to
the registry and maps roles), with nothing re-implemented in the test. It imports nothing from the
project. It prints one JSON document on stdout; the test makes its assertions from that.

    atspi_client.py APP_NAME tree [--wait SECONDS]
    atspi_client.py APP_NAME press NAME    # AT-SPI Action.doAction on the showing control named NAME
"""

from __future__ import annotations

import json
import sys
import time

import pyatspi
from gi.repository import Atspi, GLib

MAX_NODES = 2000
MAX_DEPTH = 40


def find_application(app_name: str, wait: float):
    deadline = time.monotonic() + wait
    seen: list[str] = []
    while True:
        seen = []
        try:
            desktop = pyatspi.Registry.getDesktop(0)
            for index in range(desktop.childCount):
                app = desktop.getChildAtIndex(index)
                if app is None:
                    continue
                seen.append(app.name)
                if app.name == app_name:
                    return app, seen
        except GLib.GError as exc:  # an application registering or leaving just now
            seen.append(f"({exc.message})")
        if time.monotonic() >= deadline:
            return None, seen
        time.sleep(0.1)


def states_of(accessible) -> list[str]:
    return sorted(state.value_nick for state in accessible.getState().getStates())


def actions_of(accessible) -> list[str]:
    try:
        action = accessible.queryAction()
    except NotImplementedError:
        return []
    return [action.getName(index) for index in range(action.nActions)]


def walk(app) -> list[dict]:
    """Depth first, as a screen reader's flat review does; every node with its path of child indexes."""
    nodes: list[dict] = []
    stack = [(app, ())]
    while stack and len(nodes) < MAX_NODES:
        accessible, path = stack.pop()
        try:
            node = {
                "path": list(path),
                "role": accessible.getRoleName(),
                "name": accessible.name or "",
                "description": accessible.description or "",
                "states": states_of(accessible),
                "actions": actions_of(accessible),
            }
            children = (
                []
                if len(path) >= MAX_DEPTH
                else [accessible.getChildAtIndex(i) for i in range(accessible.childCount)]
            )
        except GLib.GError as exc:
            # A widget deleted while the tree is read (a screen changing): a screen reader skips it too.
            node = {
                "path": list(path),
                "role": "",
                "name": "",
                "description": "",
                "states": [],
                "actions": [],
                "error": exc.message,
            }
            children = []
        nodes.append(node)
        for index in reversed(range(len(children))):
            if children[index] is not None:
                stack.append((children[index], (*path, index)))
    return nodes


def find_showing(app, name: str):
    stack = [app]
    while stack:
        accessible = stack.pop()
        if accessible.name == name and "showing" in states_of(accessible):
            return accessible
        stack.extend(c for c in (accessible.getChildAtIndex(i) for i in range(accessible.childCount)) if c)
    return None


def main(argv: list[str]) -> int:
    # No call may block for libatspi's default 25 s: a hung application fails the test quickly.
    Atspi.set_timeout(3000, 10000)
    app_name, command, rest = argv[0], argv[1], argv[2:]
    wait = float(rest[1]) if command == "tree" and rest[:1] == ["--wait"] else 0.0
    app, seen = find_application(app_name, wait)
    if app is None:
        print(json.dumps({"error": f"no application named {app_name!r}", "applications": seen}))
        return 2
    if command == "tree":
        result = {"application": app.name, "toolkit": app.get_toolkit_name(), "nodes": walk(app)}
    elif command == "press":
        target = find_showing(app, rest[0])
        if target is None:
            print(json.dumps({"error": f"no showing control named {rest[0]!r}"}))
            return 3
        action = target.queryAction()
        names = [action.getName(index) for index in range(action.nActions)]
        index = next((i for i, n in enumerate(names) if n.lower() in ("press", "click")), 0)
        result = {"pressed": rest[0], "action": names[index], "done": bool(action.doAction(index))}
    else:
        print(json.dumps({"error": f"unknown command {command!r}"}))
        return 64
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except GLib.GError as exc:
        print(json.dumps({"error": f"AT-SPI call failed: {exc.message}"}))
        sys.exit(1)
