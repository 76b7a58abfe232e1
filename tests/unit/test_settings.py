import stat

import pytest

from kiosk.settings import (
    SETTINGS,
    Settings,
    SettingsError,
    default_file_text,
    load_settings,
    write_default_file,
)


def test_defaults_without_a_file(tmp_path):
    settings = load_settings(path=tmp_path / "absent.toml", environ={})
    assert settings.timezone == "America/Los_Angeles"
    assert settings.idle_warning_seconds >= 20
    assert settings.effective_database_url.startswith("sqlite:///")
    assert all(source == "default" for source in settings.sources.values())


def test_file_then_environment_then_command_line(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text(
        'idle_seconds = 90\ncounters = ["A", "B"]\nbuilding_name = "City Hall"\n', encoding="utf-8"
    )
    settings = load_settings(
        path=path, environ={"KIOSK_IDLE_SECONDS": "45", "KIOSK_COUNTERS": "1, 2 ,3"}, building_name="Annex"
    )
    assert settings.idle_seconds == 45 and settings.sources["idle_seconds"] == "KIOSK_IDLE_SECONDS"
    assert settings.counters == ("1", "2", "3")
    assert settings.building_name == "Annex" and settings.sources["building_name"] == "command line"


def test_database_url_from_environment(tmp_path):
    settings = load_settings(path=tmp_path / "x.toml", environ={"KIOSK_DATABASE_URL": "postgresql://h/db"})
    assert settings.effective_database_url == "postgresql://h/db"


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ('timezone = "Mars/Base"', "timezone"),
        ("idle_warning_seconds = 5", "idle_warning_seconds"),
        ('default_language = "fr"', "default_language"),
        ('idle_seconds = "soon"', "idle_seconds"),
        ("colour = 1", "colour"),
        ("idle_seconds = ", "cannot read"),
    ],
)
def test_bad_settings_name_the_file_and_the_setting(tmp_path, content, named):
    path = tmp_path / "settings.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError) as error:
        load_settings(path=path, environ={})
    assert str(path) in str(error.value) and named in str(error.value)


def test_every_option_is_a_setting_and_documented():
    assert {o.name for o in SETTINGS} == set(Settings.__dataclass_fields__) - {"sources"}
    text = default_file_text()
    for option in SETTINGS:
        assert f"# {option.name} = " in text


def test_the_written_file_is_private_and_loads_back(tmp_path):
    path = tmp_path / "conf" / "settings.toml"
    write_default_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings(path=path, environ={}).timezone == "America/Los_Angeles"
    with pytest.raises(FileExistsError):
        write_default_file(path)


@pytest.mark.parametrize("content", ["idle_seconds = 1.5", "idle_seconds = true", "counters = []"])
def test_numbers_must_be_whole_and_lists_not_empty(tmp_path, content):
    path = tmp_path / "settings.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError):
        load_settings(path=path, environ={})
