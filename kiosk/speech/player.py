"""Play WAV audio through the system's player as a killable process."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

PLAYERS = (("pw-play",), ("paplay",), ("aplay", "-q"))


def find_player() -> tuple[str, ...] | None:
    for candidate in PLAYERS:
        if shutil.which(candidate[0]):
            return candidate
    return None


def start_playing(path: Path, player: tuple[str, ...]) -> subprocess.Popen:
    # A file, not a pipe: a player that stops reading cannot block the speech thread on a full pipe.
    return subprocess.Popen(
        [*player, str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
