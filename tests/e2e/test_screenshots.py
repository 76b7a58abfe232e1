"""`kiosk screenshot` as a real process: the list of screens, PNG files of the right size, clear refusals."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.screenshots import SCREENS
from tests.e2e.helpers import COMMAND_TIMEOUT, Kiosk, assert_no_traceback, isolated_environment

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# name -> the command's arguments after "screenshot" (the output file is added)
SHOTS = {
    "welcome-zh_Hant": ["welcome", "--lang", "zh_Hant"],
    "welcome-zh_Hant-large": ["welcome", "--lang", "zh_Hant", "--large-print"],
    "console-en": ["console", "--lang", "en"],
}


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    """Render the screens once for the module, in parallel processes."""
    root = tmp_path_factory.mktemp("shots")
    env = isolated_environment(root, root / "settings.toml")
    running = {}
    for name, args in SHOTS.items():
        output = root / "out" / f"{name}.png"  # the folder does not exist yet: the command makes it
        command = [sys.executable, "-m", "kiosk", "screenshot", *args, "-o", str(output)]
        process = subprocess.Popen(
            command, env=env, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        running[name] = (output, command, process)
    results = {}
    for name, (output, command, process) in running.items():
        try:
            stdout, stderr = process.communicate(timeout=COMMAND_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
        results[name] = (output, subprocess.CompletedProcess(command, process.returncode, stdout, stderr))
    return results


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def load_image(path: Path):
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert not image.isNull(), f"Qt cannot read {path}"
    return image


def distinct_colours(image, step: int = 8) -> int:
    return len(
        {image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)}
    )


def test_list_names_every_screen(kiosk: Kiosk):
    result = kiosk.run("screenshot", "--list")

    assert result.returncode == 0, result.stderr
    names = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert names == list(SCREENS)
    assert {"welcome", "console"} <= set(names)


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("welcome-zh_Hant", (1920, 1080)),
        ("welcome-zh_Hant-large", (1920, 1080)),
        ("console-en", (1600, 900)),  # the console's own default size (kiosk.screenshots.CONSOLE_SIZE)
    ],
    ids=["welcome-zh_Hant", "welcome-zh_Hant-large", "console-en"],
)
def test_screenshot_writes_a_png_of_the_screen_size(shots, name, size):
    output, result = shots[name]

    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    assert result.stdout.strip() == str(output)
    assert png_size(output) == size
    image = load_image(output)
    assert (image.width(), image.height()) == size
    # A rendered screen, not a blank or single-colour canvas.
    assert distinct_colours(image) > 20


def test_large_print_changes_the_picture(shots):
    normal = load_image(shots["welcome-zh_Hant"][0])
    large = load_image(shots["welcome-zh_Hant-large"][0])

    assert normal.size() == large.size()
    assert normal != large


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["no-such-screen"], "no screen 'no-such-screen'; name one of: welcome"),
        ([], "name one of: welcome"),
        (["welcome", "--lang", "klingon"], "--lang must be one of en, es, vi, zh_Hant, ru"),
        (["welcome", "--size", "big"], "--size must look like 1920x1080"),
    ],
    ids=["unknown-screen", "no-screen", "unknown-language", "bad-size"],
)
def test_a_bad_request_exits_2_with_a_clear_message(kiosk: Kiosk, args, expected):
    output = kiosk.data_dir / "refused.png"

    result = kiosk.run("screenshot", *args, "-o", str(output))

    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("kiosk: ")
    assert expected in result.stderr
    assert_no_traceback(result)
    assert not output.exists()


def test_large_print_is_refused_for_the_console(kiosk):
    result = kiosk.run("screenshot", "console", "--large-print", "-o", "x.png")
    assert result.returncode == 2
    assert "apply to the visitor kiosk" in result.stderr
    assert "Traceback" not in result.stderr
