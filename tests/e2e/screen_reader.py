"""A private Linux desktop for screen-reader tests: Xvfb, a D-Bus session bus and the AT-SPI registry.

Every process is started in a process group of its own and the whole group is ended on the way out,
whatever happened: the accessibility bus launcher, its bus and the registry are started by the session
bus (D-Bus activation) inside that bus's group, so they go with it. ``leftovers()`` lists any process
of those groups still alive, so a test can prove nothing was left behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SYSTEM_PYTHON = Path("/usr/bin/python3")
CLIENT = Path(__file__).with_name("atspi_client.py")
AT_SPI_LAUNCHERS = (
    Path("/usr/libexec/at-spi-bus-launcher"),
    Path("/usr/lib/at-spi2-core/at-spi-bus-launcher"),
)
AT_SPI_REGISTRIES = (Path("/usr/libexec/at-spi2-registryd"), Path("/usr/lib/at-spi2-core/at-spi2-registryd"))
START_TIMEOUT = 10.0
CLIENT_TIMEOUT = 15.0


def missing_tools() -> str | None:
    """Why the screen-reader test cannot run here (None when it can)."""
    for program, package in (("Xvfb", "xvfb"), ("dbus-daemon", "dbus-daemon")):
        if shutil.which(program) is None:
            return f"{program} is not installed (Debian package {package})"
    if not any(p.exists() for p in AT_SPI_LAUNCHERS) or not any(p.exists() for p in AT_SPI_REGISTRIES):
        return "the AT-SPI registry is not installed (Debian package at-spi2-core)"
    if not SYSTEM_PYTHON.exists():
        return f"{SYSTEM_PYTHON} is missing (Debian package python3)"
    probe = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import pyatspi"], capture_output=True, text=True, timeout=30
    )
    if probe.returncode != 0:
        return "pyatspi is not importable by /usr/bin/python3 (Debian package python3-pyatspi)"
    return None


def _read_line(stream, timeout: float, what: str) -> str:
    """One line a starting daemon writes when it is ready, without ever blocking past the timeout."""
    deadline = time.monotonic() + timeout
    data = b""
    fd = stream.fileno()
    while b"\n" not in data:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError(f"{what} did not start within {timeout:.0f} s")
        chunk = os.read(fd, 4096)
        if not chunk:
            raise RuntimeError(f"{what} exited before it was ready")
        data += chunk
    return data.split(b"\n", 1)[0].decode().strip()


@dataclass
class Desktop:
    """Xvfb + a D-Bus session in ``root``; ``env`` is what a process needs to join them."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen] = field(default_factory=list)
    groups: set[int] = field(default_factory=set)
    runtime: Path | None = None

    def start(self) -> Desktop:
        self.root.mkdir(parents=True, exist_ok=True)
        # Short and private (0700): unix socket paths are limited to about 100 bytes.
        self.runtime = Path(tempfile.mkdtemp(prefix="kiosk-a11y-"))
        runtime = self.runtime
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DBUS_", "AT_SPI", "XDG_", "QT_", "WAYLAND"))
            and k not in ("DISPLAY", "XAUTHORITY", "NO_AT_BRIDGE")
        }
        # Private runtime, config and cache folders: the accessibility bus's socket lives in the first.
        base.update(
            XDG_RUNTIME_DIR=str(runtime),
            XDG_CONFIG_HOME=str(self.root / "config"),
            XDG_CACHE_HOME=str(self.root / "cache"),
        )
        xvfb = self.spawn(
            ["Xvfb", "-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp", "-noreset"],
            base,
        )
        base["DISPLAY"] = ":" + _read_line(xvfb.stdout, START_TIMEOUT, "Xvfb")
        bus = self.spawn(["dbus-daemon", "--session", "--nofork", "--print-address=1"], base)
        base["DBUS_SESSION_BUS_ADDRESS"] = _read_line(bus.stdout, START_TIMEOUT, "dbus-daemon")
        self.env = base
        return self

    def spawn(self, command: list[str], env: dict[str, str], **options) -> subprocess.Popen:
        options.setdefault("stdout", subprocess.PIPE)
        options.setdefault("stderr", subprocess.DEVNULL)
        process = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, start_new_session=True, **options
        )
        self.processes.append(process)
        self.groups.add(process.pid)  # a new session: its process group id is its own pid
        return process

    def stop(self) -> None:
        """End every group, politely first; the newest process (the application) goes first."""
        for process in reversed(self.processes):
            if process.poll() is None:
                _signal_group(process.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=3)
        for group in self.groups:
            _signal_group(group, signal.SIGKILL)
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=3)
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
        deadline = time.monotonic() + 3
        while self.leftovers() and time.monotonic() < deadline:
            time.sleep(0.05)
        if self.runtime is not None:
            shutil.rmtree(self.runtime, ignore_errors=True)

    def describe(self) -> str:
        """Which processes started here have ended, and how, with the tail of a log when there is one."""
        ended = [
            f"{' '.join(map(str, p.args[:3]))} exited with {p.returncode}"
            for p in self.processes
            if p.poll() is not None
        ]
        log = self.root / "kiosk-stderr.txt"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        # Qt's bridge says once that the registry lacks a newer method: noise, not a problem.
        tail = "\n".join(line for line in lines if "GetApplicationBusAddress" not in line)[-2000:]
        return f"ended: {ended or 'none'}" + (f"; kiosk stderr: {tail}" if tail else "")

    def leftovers(self) -> list[str]:
        """Live (not zombie) processes still in one of the groups started here."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            # pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
            comm = text[text.index("(") + 1 : text.rindex(")")]
            state, _ppid, pgrp = text[text.rindex(")") + 2 :].split()[:3]
            if int(pgrp) in self.groups and state != "Z":
                found.append(f"{stat.parent.name} {comm}")
        return found

    def __enter__(self) -> Desktop:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()


def _signal_group(group: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, sig)


class ClientError(AssertionError):
    pass


def atspi(desktop: Desktop, app_name: str, *args: str, timeout: float = CLIENT_TIMEOUT) -> dict:
    """Run the screen-reader client (system Python, pyatspi) against the desktop; its JSON answer."""
    env = {k: v for k, v in desktop.env.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    result = subprocess.run(
        [str(SYSTEM_PYTHON), str(CLIENT), app_name, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
    try:
        answer = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise ClientError(f"AT-SPI client failed ({result.returncode}): {result.stderr}") from None
    if "error" in answer:
        raise ClientError(f"AT-SPI client: {answer}")
    return answer


def kiosk_command() -> list[str]:
    return [sys.executable, "-m", "kiosk", "--windowed"]
