"""What the installer ships beside the bundle: example settings, the documented settings file, the
compiled catalogues a bundle carries alone, the frozen speech worker's entry, the systemd unit."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from kiosk.settings import SETTINGS, Settings, default_file_text, load_settings, write_default_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "installer" / "examples").glob("*.toml"))


def test_the_three_deployments_have_examples():
    assert {p.stem for p in EXAMPLES} == {"single-machine", "lobby-postgresql", "offline-only"}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_loads_and_names_only_real_options(example):
    settings = load_settings(path=example, environ={})
    written = tomllib.loads(example.read_text(encoding="utf-8"))
    assert set(written) <= {o.name for o in SETTINGS}
    assert {name for name, source in settings.sources.items() if source == str(example)} == set(written)
    # Each says what it is for before any setting.
    assert example.read_text(encoding="utf-8").startswith("# ")


def test_each_example_is_the_deployment_it_says():
    by_name = {p.stem: load_settings(path=p, environ={}) for p in EXAMPLES}
    assert by_name["lobby-postgresql"].database_url.startswith("postgresql://")
    assert by_name["single-machine"].effective_database_url.startswith("sqlite:///")
    assert by_name["single-machine"].open311_base_url
    assert by_name["offline-only"].effective_database_url.startswith("sqlite:///")
    assert by_name["offline-only"].open311_base_url == ""


def test_the_settings_file_documents_every_option_and_loads_as_the_defaults(tmp_path):
    text = default_file_text()
    for option in SETTINGS:
        assert option.help.strip(), f"{option.name} has no help text"
        assert f"# {option.help}" in text
        assert re.search(rf"^# {option.name} = ", text, re.MULTILINE), option.name
    path = tmp_path / "settings.toml"
    write_default_file(path)
    assert path.stat().st_mode & 0o077 == 0
    defaults = load_settings(path=path, environ={})
    assert defaults == Settings()
    # Uncommenting every line gives a file that loads, with every option set from it.
    uncommented = "\n".join(
        line[2:] if re.match(r"^# [a-z_0-9]+ = ", line) else line for line in text.splitlines()
    )
    path.write_text(uncommented, encoding="utf-8")
    everything = load_settings(path=path, environ={})
    assert set(everything.sources.values()) == {str(path)}


def test_a_bundle_reads_compiled_catalogues_without_their_po_files(tmp_path, monkeypatch):
    from kiosk.i18n import catalogs

    folder = tmp_path / "translations"
    shutil.copytree(catalogs.TRANSLATIONS_DIR, folder, ignore=shutil.ignore_patterns("*.mo"))
    for mo in catalogs.compile_all(folder):
        mo.with_suffix(".po").unlink()
    monkeypatch.setattr(catalogs, "TRANSLATIONS_DIR", folder)
    spanish = catalogs._load.__wrapped__("es")
    assert spanish.gettext("Welcome. How can we help you today?") != "Welcome. How can we help you today?"
    assert not list(folder.glob("*/LC_MESSAGES/*.po"))


def test_the_frozen_program_runs_the_speech_worker_itself(monkeypatch):
    import kiosk.speech.pyttsx_worker
    from kiosk.cli import main

    seen = []
    monkeypatch.setattr(kiosk.speech.pyttsx_worker, "serve", lambda driver=None: seen.append(driver) or 7)
    with pytest.raises(SystemExit):
        main(["--speech-worker"])  # not frozen: not an option a person can give
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert main(["--speech-worker", "sapi5"]) == 7
    assert seen == ["sapi5"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_systemd_unit_verifies(tmp_path):
    unit = (ROOT / "installer" / "linux" / "city-kiosk@.service").read_text(encoding="utf-8")
    assert "Restart=always" in unit and "/usr/bin/cage" in unit and "PAMName=city-kiosk" in unit
    # cage is installed by setup-kiosk.sh, not here: the same unit with a program that exists.
    checked = tmp_path / "city-kiosk-check@tty1.service"
    checked.write_text(
        unit.replace("/usr/bin/cage -d -- /opt/city-kiosk/kiosk", "/bin/true").replace(
            "EnvironmentFile=/etc/city-kiosk/environment", "EnvironmentFile=-/etc/city-kiosk/environment"
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(checked)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
