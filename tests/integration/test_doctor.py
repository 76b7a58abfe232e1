"""`kiosk doctor` on a station with things missing on purpose: each gets the right verdict and advice."""

from __future__ import annotations

import os
import socket
import sys

import pytest
from sqlalchemy import create_engine, text

from kiosk import doctor
from kiosk.doctor import OK, PROBLEM, WARNING

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Debian advice")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def by_check(findings, check: str):
    return [f for f in findings if f.check == check]


@pytest.fixture
def no_system_fonts(monkeypatch):
    """A machine whose only fonts are the kiosk's own (no DejaVu, no Noto, no CJK font)."""
    import kiosk.ui.fonts

    monkeypatch.setattr(kiosk.ui.fonts, "FAMILIES", ["No Such Family"])


@linux_only
def test_no_system_sans_is_found_and_chinese_still_draws_from_the_bundled_font(qapp, no_system_fonts):
    findings = by_check(doctor.check_screen_fonts(), "fonts")
    problems = {f.message.split(":")[0]: f for f in findings if f.level == PROBLEM}
    # The Chinese subset carries Latin with the Vietnamese tones too, but no Cyrillic.
    assert "ru" in problems and "zh_Hant" not in problems
    assert "fonts-dejavu-core" in problems["ru"].advice
    assert "fonts-noto-cjk" not in " ".join(f.advice for f in findings)


def test_a_broken_bundle_without_its_chinese_font_says_reinstall(
    qapp, no_system_fonts, tmp_path, monkeypatch
):
    (tmp_path / "NotoSansCJKtc-Regular-subset.otf").write_bytes(b"not a font")
    monkeypatch.setattr(doctor, "SCREEN_FONT_DIR", tmp_path)
    findings = by_check(doctor.check_screen_fonts(), "fonts")
    missing = [f for f in findings if "kiosk's own font" in f.message]
    assert {f.message.split()[4] for f in missing} == {
        "NotoSansCJKtc-Regular-subset.otf",
        "NotoSansCJKtc-Bold-subset.otf",
    }
    assert all(f.level == PROBLEM and f.advice.startswith("reinstall the kiosk") for f in missing)
    chinese = next(f for f in findings if f.message.startswith("zh_Hant"))
    assert chinese.level == PROBLEM and "reinstall the kiosk" in chinese.advice


def test_the_installed_fonts_and_translations_are_ok(qapp):
    findings = doctor.check_screen_fonts()
    assert [f.level for f in findings] == [OK, OK], findings
    assert doctor.check_print_fonts().level == OK


def test_speech_missing_engine_missing_voice_and_all_present():
    [none] = doctor.check_speech(voices=lambda: None)
    assert none.level == WARNING and none.advice == "sudo apt-get install espeak-ng"
    [partial] = doctor.check_speech(voices=lambda: {"en-us", "es-419", "vi", "ru", "cmn-latn-pinyin"})
    assert partial.level == WARNING and "zh_Hant (Cantonese) (yue)" in partial.message
    assert "espeak-ng-data" in partial.advice
    everything = {"en-us", "es-419", "vi", "ru", "yue", "cmn-latn-pinyin"}
    assert doctor.check_speech(voices=lambda: everything)[0].level == OK


def test_the_real_espeak_voice_list_is_read():
    voices = doctor.espeak_voices()
    if voices is None:
        pytest.skip("espeak-ng is not installed (.ci/run installs it)")
    assert {"en-us", "yue", "cmn-latn-pinyin", "vi", "ru"} <= voices


def test_printer_problems_each_with_their_fix(make_settings, tmp_path, monkeypatch):
    missing_dir = tmp_path / "no-such-folder"
    finding = doctor.check_printer(make_settings(printer=f"pdf:{missing_dir}"))
    assert finding.level == PROBLEM and finding.advice.startswith(f"mkdir -p {missing_dir}")
    assert doctor.check_printer(make_settings(printer=f"pdf:{tmp_path}")).level == OK
    assert doctor.check_printer(make_settings()).level == OK  # printer = none

    port = closed_port()
    finding = doctor.check_printer(make_settings(printer=f"escpos:network:127.0.0.1:{port}"))
    assert finding.level == PROBLEM and f"127.0.0.1:{port} does not answer" in finding.message
    assert "check that it is on" in finding.advice

    finding = doctor.check_printer(make_settings(printer="escpos:serial:/dev/no-such-tty"))
    assert finding.level == PROBLEM and "no device /dev/no-such-tty" in finding.message


@linux_only
def test_a_cups_queue_without_cups_or_without_its_scheduler(make_settings, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no lp, no lpstat
    finding = doctor.check_printer(make_settings(printer="cups:Receipts"))
    assert finding.level == PROBLEM and finding.advice == "sudo apt-get install cups-client"
    monkeypatch.undo()
    if not (doctor.shutil.which("lpstat") and doctor.shutil.which("lp")):
        pytest.skip("cups-client is not installed (.ci/run installs it)")
    monkeypatch.setenv("CUPS_SERVER", f"127.0.0.1:{closed_port()}")  # a scheduler that is down
    finding = doctor.check_printer(make_settings(printer="cups:Receipts"))
    assert finding.level == PROBLEM and "not running" in finding.message
    assert finding.advice == "sudo systemctl enable --now cups"


def test_the_central_service_down_and_up(make_settings, tmp_path):
    from kiosk.open311.dev_server import DevServer

    down = make_settings(open311_base_url=f"http://127.0.0.1:{closed_port()}/open311/v2")
    finding = doctor.check_central_service(down)
    assert finding.level == PROBLEM and "services.json did not answer usefully" in finding.message
    assert "requests wait in the outbox" in finding.advice
    assert doctor.check_central_service(make_settings()).level == OK  # offline-only: by choice

    server = DevServer(tmp_path / "open311.sqlite3").start()
    try:
        up = make_settings(open311_base_url=server.url, open311_api_key=server.api_key)
        finding = doctor.check_central_service(up)
        assert finding.level == OK and "lists" in finding.message
        keyless = doctor.check_central_service(make_settings(open311_base_url=server.url))
        assert keyless.level == WARNING and "open311_api_key" in keyless.advice
    finally:
        server.stop()


def test_database_unreachable_behind_and_ahead(make_settings, tmp_path):
    from kiosk.app import build_backend
    from kiosk.storage.migrate import HEAD

    down = make_settings(database_url=f"postgresql://kiosk:secret@127.0.0.1:{closed_port()}/kiosk")
    [finding] = doctor.check_database(down)
    assert finding.level == PROBLEM and "secret" not in finding.message
    assert f"check that PostgreSQL runs on 127.0.0.1:{down.database_url.rsplit(':', 1)[1].split('/')[0]}" in (
        finding.advice
    )

    settings = make_settings()
    [empty] = doctor.check_database(settings)
    assert empty.level == WARNING and "kiosk db upgrade" in empty.advice
    build_backend(settings).dispose()
    database, migrations = doctor.check_database(settings)
    assert (database.level, migrations.level) == (OK, OK) and HEAD in migrations.message
    engine = create_engine(settings.effective_database_url)
    for revision, level, advice in (
        ("0005_rooms", WARNING, "run `kiosk db upgrade`"),
        ("0099_from_the_future", PROBLEM, "install that same version on every station"),
    ):
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
        migrations = doctor.check_database(settings)[1]
        assert migrations.level == level and advice in migrations.advice
        assert revision in migrations.message
    engine.dispose()


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_a_settings_file_with_a_password_readable_by_others(make_settings, tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('database_url = "postgresql://kiosk:secret@db/kiosk"\n')
    path.chmod(0o644)
    settings = make_settings(database_url="postgresql://kiosk:secret@db/kiosk")
    finding = doctor.check_settings_file(path, settings)
    assert finding.level == PROBLEM and finding.advice == f"chmod 600 {path}"
    path.chmod(0o600)
    assert doctor.check_settings_file(path, settings).level == OK


def test_the_command_exits_non_zero_and_prints_the_fix(tmp_path, monkeypatch, capsys, qapp):
    from kiosk.cli import main

    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KIOSK_PRINTER", f"pdf:{tmp_path / 'missing'}")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM  printer" in out and f"fix: mkdir -p {tmp_path / 'missing'}" in out
    assert out.rstrip().endswith("1 problem(s), 1 warning(s)")
