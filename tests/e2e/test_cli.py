"""The `kiosk` command's plain subcommands, run as real processes: --version, --help, db, config."""

from __future__ import annotations

import re
import sqlite3
import stat
import tomllib

import pytest

import kiosk as kiosk_package
from kiosk.settings import SETTINGS
from kiosk.storage.migrate import HEAD
from tests.e2e.helpers import assert_no_traceback

COMMANDS = (
    "kiosk", "staff", "demo", "db", "rooms", "catalog", "sync", "screenshot", "print-test", "config", "users", "purge",
)  # fmt: skip


def test_version_prints_the_package_version(kiosk):
    result = kiosk.run("--version")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"kiosk {kiosk_package.__version__}"


def test_help_lists_every_command(kiosk):
    result = kiosk.run("--help")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: kiosk")
    # Each command on its own line of the command list, followed by its help text.
    listed = set(re.findall(r"^ {4}([a-z-]+) {2,}\S", result.stdout, flags=re.MULTILINE))
    assert set(COMMANDS) <= listed, result.stdout


# -- db ---------------------------------------------------------------------------------------
def _revision_on_disk(path) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_db_upgrade_creates_the_database_then_reports_it_is_up_to_date(kiosk):
    assert not kiosk.database.exists()

    first = kiosk.run("db", "upgrade")

    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "Database upgraded."
    assert kiosk.database.is_file()
    assert _revision_on_disk(kiosk.database) == HEAD
    with sqlite3.connect(kiosk.database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "alembic_version" in tables and len(tables) > 1, tables

    second = kiosk.run("db", "upgrade")

    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "Database already up to date."
    assert_no_traceback(second)


def test_db_current_prints_empty_then_the_head_revision(kiosk):
    before = kiosk.run("db", "current")
    assert before.returncode == 0, before.stderr
    assert before.stdout.strip().startswith("empty (no database at ")
    assert not list(kiosk.data_dir.glob("*.sqlite3")), "looking must not create a database"

    assert kiosk.run("db", "upgrade").returncode == 0

    after = kiosk.run("db", "current")
    assert after.returncode == 0, after.stderr
    assert after.stdout.strip() == HEAD


# -- config -----------------------------------------------------------------------------------
_LINE = re.compile(r"^(?P<name>\w+) = (?P<value>.*?) {4}\[(?P<source>[^\]]+)\]$")


def _config_lines(stdout: str) -> dict[str, tuple[str, str]]:
    found = {}
    for line in stdout.splitlines():
        match = _LINE.match(line)
        if match:
            found[match["name"]] = (match["value"], match["source"])
    return found


def test_config_prints_every_setting_with_its_source(kiosk):
    result = kiosk.run("config")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (f"settings file: {kiosk.config} (absent: defaults in force)")
    lines = _config_lines(result.stdout)
    assert set(lines) == {option.name for option in SETTINGS}, result.stdout
    assert lines["data_dir"] == (repr(str(kiosk.data_dir)), "KIOSK_DATA_DIR")
    assert lines["database_url"] == (repr(f"sqlite:///{kiosk.database}"), "default")
    assert lines["idle_seconds"] == ("60", "default")
    assert lines["timezone"] == ("'America/Los_Angeles'", "default")


def test_config_shows_an_environment_override_and_where_it_came_from(kiosk):
    result = kiosk.run("config", extra_env={"KIOSK_IDLE_SECONDS": "45"})

    assert result.returncode == 0, result.stderr
    lines = _config_lines(result.stdout)
    assert lines["idle_seconds"] == ("45", "KIOSK_IDLE_SECONDS")
    assert lines["idle_warning_seconds"] == ("30", "default")


def test_config_shows_a_value_from_the_settings_file(kiosk):
    kiosk.config.write_text('building_name = "Bureau Annex"\n', encoding="utf-8")

    result = kiosk.run("config")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"settings file: {kiosk.config}"
    assert _config_lines(result.stdout)["building_name"] == ("'Bureau Annex'", str(kiosk.config))


def test_config_init_writes_a_private_file_documenting_every_option(kiosk):
    result = kiosk.run("config", "--init")

    assert result.returncode == 0, result.stderr
    assert str(kiosk.config) in result.stdout
    assert stat.S_IMODE(kiosk.config.stat().st_mode) == 0o600
    text = kiosk.config.read_text(encoding="utf-8")
    for option in SETTINGS:
        assert f"# {option.help}\n# {option.name} = " in text, option.name
    # Uncommenting every option gives a valid file that says exactly what the defaults are.
    uncommented = "\n".join(line[2:] for line in text.splitlines() if re.match(r"^# \w+ = ", line))
    assert tomllib.loads(uncommented) == {option.name: option.default for option in SETTINGS}
    # The file as written (all commented out) is accepted and changes nothing.
    shown = kiosk.run("config")
    assert shown.returncode == 0, shown.stderr
    assert _config_lines(shown.stdout)["idle_seconds"] == ("60", "default")


def test_config_init_refuses_to_overwrite_an_existing_file(kiosk):
    assert kiosk.run("config", "--init").returncode == 0
    kiosk.config.write_text("# mine\nidle_seconds = 90\n", encoding="utf-8")

    again = kiosk.run("config", "--init")

    assert again.returncode != 0
    assert str(kiosk.config) in again.stderr
    assert "not overwritten" in again.stderr
    assert kiosk.config.read_text(encoding="utf-8") == "# mine\nidle_seconds = 90\n"
    assert_no_traceback(again)


@pytest.mark.parametrize(
    ("content", "setting"),
    [
        ('timezone = "Mars/Base"\n', "timezone"),
        ("idle_warning_seconds = 5\n", "idle_warning_seconds"),
        ('idle_seconds = "soon"\n', "idle_seconds"),
    ],
    ids=["unknown-timezone", "warning-too-short", "not-a-number"],
)
@pytest.mark.parametrize(
    "command", [["config"], ["--windowed", "--exit-when-ready"]], ids=["config", "kiosk"]
)
def test_a_bad_value_in_the_settings_file_is_named_without_a_traceback(kiosk, content, setting, command):
    kiosk.config.write_text(content, encoding="utf-8")

    result = kiosk.run(*command, timeout=30)

    assert result.returncode == 2, (result.stdout, result.stderr)
    message = result.stderr.strip()
    assert message.startswith("kiosk: "), message
    assert str(kiosk.config) in message
    assert setting in message
    assert "kiosk: ready" not in result.stdout
    assert_no_traceback(result)


def test_a_bad_value_in_the_environment_is_named(kiosk):
    result = kiosk.run("config", extra_env={"KIOSK_IDLE_WARNING_SECONDS": "10"})

    assert result.returncode == 2
    assert "KIOSK_IDLE_WARNING_SECONDS" in result.stderr
    assert "idle_warning_seconds" in result.stderr
    assert_no_traceback(result)


# -- rooms ------------------------------------------------------------------------------------
def test_an_admin_lists_adds_and_changes_rooms(kiosk):
    listed = kiosk.run("rooms", "list")
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["room-1", "room-2"]

    added = kiosk.run(
        "rooms", "set", "room-3", "--name", "Family Room", "--capacity", "8", "--features", "wheelchair"
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "Added room-3: Family Room, 8 people"
    changed = kiosk.run("rooms", "set", "room-1", "--inactive", "--features", "quiet")
    assert changed.returncode == 0, changed.stderr

    lines = kiosk.run("rooms", "list").stdout.splitlines()
    assert "(not offered)" in lines[0] and "quiet" in lines[0]
    assert lines[2].split()[:4] == ["room-3", "Family", "Room", "8"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("rooms", "set", "room-9"), "needs --name and --capacity"),
        (("rooms", "set", "room-1", "--features", "jacuzzi"), "unknown features ['jacuzzi']"),
        (("rooms", "set", "room-1", "--capacity", "0"), "capacity of at least 1"),
    ],
)
def test_bad_room_settings_are_refused_clearly(kiosk, args, says):
    result = kiosk.run(*args)
    assert result.returncode == 2
    assert says in result.stderr
    assert_no_traceback(result)


# -- catalog ----------------------------------------------------------------------------------
def _catalogue_file(path, **entry_overrides):
    import json

    langs = ("en", "es", "vi", "zh_Hant", "ru")
    entry = {
        "id": "find-zz-museum",
        "kind": "find",
        "titles": {lang: "Zz museum" for lang in langs},
        "summaries": {lang: "Opening hours of the Zz museum." for lang in langs},
        "keywords": {"en": ["zzmuseum"]},
        "bureau": "info-referral",
        "front_desk": "information",
        "url": "",
        "emergency": False,
    }
    entry.update(entry_overrides)
    path.write_text(json.dumps({"bureaus": [], "entries": [entry]}), encoding="utf-8")
    return path


def test_an_admin_imports_and_exports_the_catalogue(kiosk, tmp_path):
    import json

    imported = kiosk.run("catalog", "import", str(_catalogue_file(tmp_path / "museum.json")))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("Imported 1 entries from museum.json")
    out = tmp_path / "all.json"
    exported = kiosk.run("catalog", "export", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    ids = {e["id"] for e in data["entries"]}
    assert "find-zz-museum" in ids and "report-pothole" in ids and len(ids) >= 81


def test_a_malformed_catalogue_is_refused_with_file_and_field(kiosk, tmp_path):
    bad = _catalogue_file(tmp_path / "bad.json", titles={"en": "Only English"})
    result = kiosk.run("catalog", "import", str(bad))
    assert result.returncode == 2
    assert f"{bad}: entries[0].titles.es: missing translation" in result.stderr
    assert_no_traceback(result)
    exported = kiosk.run("catalog", "export")
    assert "find-zz-museum" not in exported.stdout  # nothing of it was kept
