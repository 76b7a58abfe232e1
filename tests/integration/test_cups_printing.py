"""A receipt through a real CUPS spooler: ``lp`` to a cups-pdf queue on a private cupsd.

The cupsd runs from a configuration in a temporary directory on a free port, so the machine's own
printers are never touched. cups-pdf writes the job to the job owner's ~/PDF (its configuration lives
in /etc/cups); the test finds the new file by its title.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from kiosk.printing import Paper, render
from kiosk.printing.backends import CupsPrinter
from kiosk.services.ports import PrinterError
from tests.integration.printing_tools import need, page_size_pt
from tests.integration.test_receipts import ticket

CUPS_PDF_PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
QUEUE = "KioskReceipts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cups_pdf_output_dirs() -> list[Path]:
    out = "${HOME}/PDF"
    conf = Path("/etc/cups/cups-pdf.conf")
    if conf.exists():
        for line in conf.read_text(errors="replace").splitlines():
            if line.startswith("Out "):
                out = line[4:].strip()
    home = str(Path.home())
    return [Path(out.replace("${HOME}", home)), Path("/var/spool/cups-pdf/ANONYMOUS")]


@pytest.fixture(scope="module")
def cups_server():
    for program in ("cupsd", "lp", "lpstat", "lpadmin"):
        if shutil.which(program) is None and not Path("/usr/sbin", program).exists():
            pytest.skip(f"{program} is not installed (Debian cups, cups-client; .ci/run installs them)")
    if not Path("/usr/lib/cups/backend/cups-pdf").exists():
        pytest.skip("cups-pdf is not installed (Debian cups-pdf; .ci/run installs it)")
    if os.geteuid() != 0:
        pytest.skip(
            "a private cupsd runs its root-only cups-pdf backend only when started as root (CI runs as root)"
        )
    # Directly under the system temp directory: the filters run as the lp user and must reach it
    # (pytest's own temp directories are private to their owner).
    root = Path(tempfile.mkdtemp(prefix="kiosk-cups-"))
    root.chmod(0o755)
    for sub in ("spool", "cache", "state", "log", "tmp"):
        (root / sub).mkdir()
    (root / "tmp").chmod(0o1777)  # filters run as the lp user
    port = _free_port()
    (root / "cupsd.conf").write_text(
        f"Listen 127.0.0.1:{port}\nLogLevel debug\nWebInterface No\nBrowsing No\nDefaultAuthType None\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
    )
    (root / "cups-files.conf").write_text(
        f"ServerRoot {root}\nRequestRoot {root}/spool\nCacheDir {root}/cache\nStateDir {root}/state\n"
        f"TempDir {root}/tmp\nLogFileGroup root\nAccessLog {root}/log/access_log\n"
        f"ErrorLog {root}/log/error_log\nPageLog {root}/log/page_log\nSystemGroup root\n"
    )
    cupsd = shutil.which("cupsd") or "/usr/sbin/cupsd"
    process = subprocess.Popen(
        [cupsd, "-f", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = f"127.0.0.1:{port}"
    env = {**os.environ, "CUPS_SERVER": server}
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.skip(f"the private cupsd did not start (see {root}/log/error_log)")
                time.sleep(0.05)
        subprocess.run(
            ["lpadmin", "-p", QUEUE, "-v", "cups-pdf:/", "-E", "-m", CUPS_PDF_PPD],
            env=env,
            check=True,
            capture_output=True,
        )
        yield server, env, root
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_pdf(title: str, started: float, timeout: float = 20) -> Path:
    marker = title.replace(" ", "_")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for directory in _cups_pdf_output_dirs():
            if directory.is_dir():
                for path in directory.glob("*.pdf"):
                    if marker in path.name and path.stat().st_mtime >= started - 1:
                        time.sleep(0.2)  # cups-pdf may still be writing
                        return path
        time.sleep(0.1)
    raise AssertionError(f"cups-pdf wrote no {marker}*.pdf in {_cups_pdf_output_dirs()}")


@pytest.mark.parametrize("paper", list(Paper), ids=[p.value for p in Paper])
def test_a_receipt_printed_through_lp_comes_out_at_its_page_size(cups_server, paper):
    need("pdfinfo", "pdftotext")
    server, _env, _root = cups_server
    document = render(ticket("vi"), "vi", paper)
    title = f"kiosk-test-{uuid.uuid4().hex[:8]}"
    started = time.time()
    job = CupsPrinter(QUEUE, server=server).print_pdf(
        document.pdf, page_size_mm=document.page_size_mm, title=title
    )
    assert job.startswith(f"request id is {QUEUE}-")
    output = _wait_for_pdf(title, started)
    try:
        width, height = page_size_pt(output)
        expected = (document.page_size_mm[0] / 25.4 * 72, document.page_size_mm[1] / 25.4 * 72)
        assert abs(width - expected[0]) < 3 and abs(height - expected[1]) < 3, (width, height, expected)
        text = subprocess.run(["pdftotext", str(output), "-"], capture_output=True, text=True).stdout
        assert "B012" in text
    finally:
        output.unlink(missing_ok=True)


def test_a_missing_or_stopped_queue_is_a_clear_printer_error(cups_server):
    server, env, _root = cups_server
    with pytest.raises(PrinterError, match="not available"):
        CupsPrinter("NoSuchQueue", server=server).print_pdf(b"%PDF-1.4", page_size_mm=(80, 100), title="t")
    subprocess.run(["cupsdisable", "-r", "Paper out", QUEUE], env=env, check=True)
    try:
        with pytest.raises(PrinterError, match="stopped"):
            CupsPrinter(QUEUE, server=server).print_pdf(b"%PDF-1.4", page_size_mm=(80, 100), title="t")
    finally:
        subprocess.run(["cupsenable", QUEUE], env=env, check=True)
