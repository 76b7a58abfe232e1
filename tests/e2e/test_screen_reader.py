"""A screen reader's view of the real kiosk: its accessibility tree read over AT-SPI from another process.

The kiosk runs as ``python -m kiosk --windowed`` on a real X server (Xvfb, the xcb platform) with Qt's
AT-SPI bridge on, in a private D-Bus session with the AT-SPI registry. A separate client (pyatspi, as
Orca uses; see atspi_client.py) walks the tree, checks names and roles, and presses buttons through the
AT-SPI Action interface, as a blind visitor's screen reader would.
"""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from kiosk.i18n import LANGUAGES, _, use_language
from kiosk.resources import load_queue_services
from tests.e2e.helpers import isolated_environment
from tests.e2e.screen_reader import ClientError, Desktop, atspi, kiosk_command, missing_tools

APP = "City Kiosk"  # QApplication.applicationName(): the name AT-SPI gives the application
STEP_TIMEOUT = 20.0  # a normal run takes about 4 s in all; the margin is for a loaded CI machine
# Roles a control that can be operated may have; each such control must carry a name.
INTERACTIVE_ROLES = {
    "push button",
    "toggle button",
    "check box",
    "radio button",
    "switch",
    "combo box",
    "entry",
    "text",
    "password text",
    "spin button",
    "slider",
    "link",
    "menu item",
    "list item",
    "page tab",
}
SWITCH_ROLES = {"check box", "toggle button", "switch"}

_missing = missing_tools()
pytestmark = pytest.mark.skipif(_missing is not None, reason=f"screen-reader test: {_missing}")


def tr(language: str, text: str) -> str:
    with use_language(language):
        return _(text)


def showing(tree: dict) -> list[dict]:
    return [node for node in tree["nodes"] if "showing" in node["states"]]


def by_name(nodes: list[dict], name: str) -> dict | None:
    """The node named ``name``, a control rather than a label where both carry the name."""
    named = [node for node in nodes if node["name"] == name]
    return next((node for node in named if node["role"] in INTERACTIVE_ROLES), named[0] if named else None)


def unnamed_controls(tree: dict) -> list[str]:
    return [
        f"{node['role']} at {node['path']} (actions {node['actions']})"
        for node in showing(tree)
        if node["role"] in INTERACTIVE_ROLES and not node["name"].strip()
    ]


def wait_for(desktop: Desktop, condition, what: str) -> dict:
    """Read the tree until ``condition(tree)`` holds, as the screen reader sees the screen change."""
    deadline = time.monotonic() + STEP_TIMEOUT
    while True:
        try:
            tree = atspi(desktop, APP, "tree")
            problem = None
        except ClientError as exc:  # the application busy or a screen half-built: read again
            tree, problem = {"nodes": []}, str(exc)
        if problem is None and condition(tree):
            return tree
        if time.monotonic() > deadline:
            names = [(n["role"], n["name"]) for n in showing(tree) if n["role"] in INTERACTIVE_ROLES]
            pytest.fail(
                f"{what} not seen over AT-SPI within {STEP_TIMEOUT:.0f} s; showing controls: {names}"
                + (f"; last client error: {problem}" if problem else "")
                + f"; {desktop.describe()}"
            )
        time.sleep(0.1)


def assert_switch(node: dict | None, name: str, checked: bool) -> None:
    assert node is not None, f"no switch named {name!r}"
    assert node["role"] in SWITCH_ROLES, f"{name!r} has role {node['role']!r}"
    assert "checkable" in node["states"], f"{name!r} does not say it can be switched"
    assert ("checked" in node["states"]) == checked, f"{name!r}: states {node['states']}"
    assert node["description"], f"{name!r} has no description"
    assert node["actions"], f"{name!r} offers no action"


@pytest.fixture
def desktop(tmp_path):
    with Desktop(tmp_path / "desktop") as running:
        yield running
        running.stop()
        assert running.leftovers() == [], "processes left behind"


@pytest.fixture
def kiosk_app(desktop: Desktop, tmp_path):
    # The desktop's display and buses; the kiosk's own data directory and settings, as in every e2e test.
    isolated = isolated_environment(tmp_path, tmp_path / "settings.toml")
    env = {k: v for k, v in desktop.env.items() if not k.startswith("KIOSK_")}
    env.update({k: v for k, v in isolated.items() if k.startswith("KIOSK_") or k == "PYTHONIOENCODING"})
    env.update(
        QT_QPA_PLATFORM="xcb",
        QT_ACCESSIBILITY="1",
        QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
    )
    with open(desktop.root / "kiosk-stderr.txt", "wb") as stderr:
        process = desktop.spawn(kiosk_command(), env, stdout=subprocess.DEVNULL, stderr=stderr, cwd=tmp_path)
    try:
        tree = atspi(desktop, APP, "tree", "--wait", str(STEP_TIMEOUT), timeout=STEP_TIMEOUT + 10)
    except ClientError as exc:
        pytest.fail(f"{exc}; {desktop.describe()}")
    assert process.poll() is None, f"the kiosk exited; {desktop.describe()}"
    return tree


@pytest.mark.timeout(120)
def test_a_screen_reader_finds_names_and_roles_and_can_press_buttons(desktop, kiosk_app):
    tree = kiosk_app
    assert tree["application"] == APP
    assert tree["toolkit"] == "Qt"

    # Welcome: the five languages, each named in its own script, as push buttons a reader can press;
    # the hint under each is its description, in that language.
    tree = wait_for(
        desktop, lambda t: all(by_name(showing(t), lang.endonym) for lang in LANGUAGES), "the welcome screen"
    )
    assert unnamed_controls(tree) == []
    on_screen = showing(tree)
    for language in LANGUAGES:
        button = by_name(on_screen, language.endonym)
        assert button["role"] == "push button", f"{language.endonym}: role {button['role']!r}"
        assert "Press" in button["actions"], f"{language.endonym}: actions {button['actions']}"
        assert "focusable" in button["states"]
        assert button["description"] == tr(language.code, "Touch here to continue in this language")
    # The display switches in the header, named with their state and described.
    nodes = tree["nodes"]
    assert_switch(by_name(on_screen, tr("en", "High contrast: off")), tr("en", "High contrast: off"), False)
    assert_switch(by_name(on_screen, tr("en", "Large print: off")), tr("en", "Large print: off"), False)
    read_aloud = by_name(nodes, tr("en", "Read aloud: off"))
    assert_switch(read_aloud, tr("en", "Read aloud: off"), False)
    if shutil.which("espeak-ng"):  # without a voice the kiosk hides the switch
        assert "showing" in read_aloud["states"]

    # Pressing "Español" through the Action interface opens the services screen, in Spanish.
    assert atspi(desktop, APP, "press", "Español")["done"] is True
    services = [s for s in sorted(load_queue_services(), key=lambda s: (s.sort_order, s.code)) if s.active]
    expected = [service.name("es") for service in services]
    tree = wait_for(
        desktop,
        lambda t: (
            all(by_name(showing(t), name) for name in expected) and by_name(showing(t), "English") is None
        ),
        "the services screen in Spanish",
    )
    assert unnamed_controls(tree) == []
    on_screen = showing(tree)
    for service in services:
        button = by_name(on_screen, service.name("es"))
        assert button["role"] == "push button", f"{service.code}: role {button['role']!r}"
        assert button["description"] == service.description("es")
    for name in (tr("es", "Back"), tr("es", "Start over")):
        control = by_name(on_screen, name)
        assert control is not None and control["role"] == "push button", f"{name!r}: {control}"
    assert tr("es", "Start over") != "Start over", "the Spanish catalogue is not compiled"

    # A switch operated through AT-SPI changes, and says so in its name and its checked state.
    assert atspi(desktop, APP, "press", tr("es", "High contrast: off"))["done"] is True
    tree = wait_for(
        desktop, lambda t: by_name(showing(t), tr("es", "High contrast: on")), "high contrast switched on"
    )
    assert_switch(by_name(showing(tree), tr("es", "High contrast: on")), tr("es", "High contrast: on"), True)

    # "Start over" takes the screen reader back to the languages.
    assert atspi(desktop, APP, "press", tr("es", "Start over"))["done"] is True
    wait_for(desktop, lambda t: by_name(showing(t), "English"), "the welcome screen again")
