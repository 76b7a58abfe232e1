"""Printers: save to a PDF file, the CUPS spooler (``lp``), the Qt print system, ESC/POS thermal printers.

Each backend implements kiosk.services.ports.Printer: ``print_pdf`` blocks until the job is handed over
and raises PrinterError with a reason for staff when it cannot be. ``printer_from_spec`` builds one from
the ``printer`` setting:

    none                        no printer (the default)
    pdf:DIR                     save each receipt as a PDF file in DIR
    cups:QUEUE                  the CUPS queue QUEUE through ``lp`` (Linux; macOS has lp too)
    system:NAME | system:       a printer of the Qt print system (Windows, macOS); empty NAME: the default
    escpos:usb:VID:PID          an ESC/POS thermal printer on USB (hex ids, e.g. escpos:usb:04b8:0202)
    escpos:network:HOST[:PORT]  an ESC/POS printer on the network (port 9100 by default)
    escpos:serial:DEVICE        an ESC/POS printer on a serial port
    escpos:file:DEVICE          an ESC/POS printer through a device file (e.g. /dev/usb/lp0)
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from kiosk.services.ports import Printer, PrinterError

log = logging.getLogger(__name__)

LETTER_MM = (215.9, 279.4)


def _slug(title: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")[:40] or "receipt"


class PdfFilePrinter:
    """Saves each document as a PDF: into a directory, or to one file (``kiosk print-test --pdf``)."""

    def __init__(self, target: Path | str) -> None:
        self.target = Path(target)
        self.name = f"pdf:{self.target}"
        self.last_path: Path | None = None

    def print_pdf(self, pdf: bytes, *, page_size_mm: tuple[float, float], title: str) -> None:
        if self.target.suffix.lower() == ".pdf":
            path = self.target
        else:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            path = self.target / f"{stamp}-{_slug(title)}.pdf"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".part")
            partial.write_bytes(pdf)
            os.replace(partial, path)
        except OSError as exc:
            raise PrinterError(f"cannot save {path}: {exc.strerror or exc}") from exc
        self.last_path = path


def cups_media(page_size_mm: tuple[float, float]) -> str:
    """The ``-o media=`` for a page: Letter, or the roll's exact size (without it CUPS rescales to A4)."""
    width, height = page_size_mm
    if abs(width - LETTER_MM[0]) < 1 and abs(height - LETTER_MM[1]) < 1:
        return "Letter"
    return f"Custom.{width:.0f}x{height:.0f}mm"


class CupsPrinter:
    """A CUPS queue, through the ``lp`` and ``lpstat`` commands."""

    def __init__(
        self,
        queue: str,
        server: str | None = None,
        timeout: float = 20.0,
        lp: str = "lp",
        lpstat: str = "lpstat",
    ) -> None:
        self.queue = queue
        self.server = server
        self.timeout = timeout
        self.lp = lp
        self.lpstat = lpstat
        self.name = f"cups:{queue}"

    def _run(self, args: list[str], data: bytes | None = None) -> subprocess.CompletedProcess:
        env = dict(os.environ)
        if self.server:
            env["CUPS_SERVER"] = self.server
        try:
            return subprocess.run(
                args, input=data, capture_output=True, timeout=self.timeout, env=env, check=False
            )
        except FileNotFoundError as exc:
            raise PrinterError(f"{args[0]} is not installed (install CUPS: cups-client)") from exc
        except subprocess.TimeoutExpired as exc:
            raise PrinterError(
                f"{args[0]} did not answer within {self.timeout:.0f} s (is cupsd running?)"
            ) from exc

    def status(self) -> str:
        """``lpstat -p`` for the queue; PrinterError when the queue is missing or stopped."""
        result = self._run([self.lpstat, "-p", self.queue])
        text = (result.stdout + result.stderr).decode(errors="replace").strip()
        if result.returncode != 0 or not text:
            raise PrinterError(
                f"CUPS queue {self.queue!r} is not available: {text or 'no answer from lpstat'}"
            )
        if "disabled" in text.split("\n", 1)[0]:
            raise PrinterError(f"CUPS queue {self.queue!r} is stopped: {text}")
        return text

    def print_pdf(self, pdf: bytes, *, page_size_mm: tuple[float, float], title: str) -> str:
        """Submit the job; returns the job id ``lp`` printed."""
        self.status()
        args = [self.lp, "-d", self.queue, "-t", title, "-o", f"media={cups_media(page_size_mm)}", "-"]
        result = self._run(args, pdf)
        if result.returncode != 0:
            reason = (result.stderr or result.stdout).decode(errors="replace").strip()
            raise PrinterError(
                f"lp could not print to {self.queue!r}: {reason or f'exit status {result.returncode}'}"
            )
        return result.stdout.decode(errors="replace").strip()


class EscPosPrinter:
    """An ESC/POS thermal printer (python-escpos), sent a raster image of the receipt so that every
    script prints, whatever fonts the printer has."""

    def __init__(
        self, connect: Callable[[], object], name: str = "escpos", width_dots: int = 576, dpi: int = 203
    ) -> None:
        self.connect = connect  # returns a python-escpos printer (Usb, Network, Serial, File, Dummy)
        self.name = name
        self.width_dots = width_dots  # 72 mm printed of an 80 mm roll at 8 dots/mm
        self.dpi = dpi
        self.last_device: object | None = None

    def image_for(self, pdf: bytes):
        from PIL import Image, ImageOps

        from kiosk.printing.raster import rasterize

        pages = rasterize(pdf, self.dpi)
        page = pages[0] if len(pages) == 1 else _stack(pages)
        # The roll's side margins are the printer's own: keep the middle width_dots.
        if page.width > self.width_dots:
            left = (page.width - self.width_dots) // 2
            page = page.crop((left, 0, left + self.width_dots, page.height))
        page = ImageOps.grayscale(page)
        return page.point(lambda v: 255 if v > 160 else 0).convert("1", dither=Image.Dither.NONE)

    def print_pdf(self, pdf: bytes, *, page_size_mm: tuple[float, float], title: str) -> None:
        image = self.image_for(pdf)
        try:
            device = self.connect()
        except Exception as exc:  # noqa: BLE001 - python-escpos raises many kinds
            raise PrinterError(f"ESC/POS printer {self.name} not found: {exc}") from exc
        self.last_device = device
        try:
            _check_paper(device, self.name)
            device.image(image, impl="bitImageRaster", center=False)
            device.cut()
        except PrinterError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise PrinterError(f"ESC/POS printer {self.name} failed: {exc}") from exc
        finally:
            close = getattr(device, "close", None)
            if close is not None and type(device).__name__ != "Dummy":
                try:
                    close()
                except Exception:  # noqa: BLE001
                    log.debug("closing %s failed", self.name, exc_info=True)


def _check_paper(device, name: str) -> None:
    """Printers that answer status queries (USB, network) say when they are off line or out of paper."""
    if type(device).__name__ in ("Dummy", "File"):
        return
    try:
        online = device.is_online()
        paper = device.paper_status()
    except Exception:  # noqa: BLE001 - many printers do not answer status queries: print anyway
        log.debug("ESC/POS printer %s gave no status", name, exc_info=True)
        return
    if online is False:
        raise PrinterError(f"ESC/POS printer {name} is off line (cover open or switched off)")
    if paper == 0:
        raise PrinterError(f"ESC/POS printer {name} is out of paper")


def _stack(pages):
    from PIL import Image

    width = max(p.width for p in pages)
    canvas = Image.new("L", (width, sum(p.height for p in pages)), 255)
    y = 0
    for page in pages:
        canvas.paste(page, (0, y))
        y += page.height
    return canvas


def _escpos(spec: str) -> EscPosPrinter:
    kind, _sep, rest = spec.partition(":")
    if kind == "usb":
        vid, _sep, pid = rest.partition(":")
        if not vid or not pid:
            raise ValueError("escpos:usb needs VID:PID, e.g. escpos:usb:04b8:0202")
        vendor, product = int(vid, 16), int(pid, 16)

        def connect():
            from escpos.printer import Usb

            return Usb(vendor, product)

    elif kind == "network":
        host, _sep, port = rest.partition(":")
        if not host:
            raise ValueError("escpos:network needs a host, e.g. escpos:network:192.168.1.50")

        def connect():
            from escpos.printer import Network

            return Network(host, port=int(port or 9100), timeout=10)

    elif kind == "serial":

        def connect():
            from escpos.printer import Serial

            return Serial(rest)

    elif kind == "file":

        def connect():
            from escpos.printer import File

            return File(rest)

    else:
        raise ValueError(f"unknown ESC/POS connection {kind!r} (usb, network, serial or file)")
    return EscPosPrinter(connect, name=f"escpos:{spec}")


def printer_from_spec(spec: str) -> Printer | None:
    """The printer the ``printer`` setting names, or None for ``none``; ValueError when it is malformed."""
    spec = spec.strip()
    kind, _sep, rest = spec.partition(":")
    if kind in ("", "none"):
        return None
    if kind == "pdf":
        return PdfFilePrinter(Path(rest or tempfile.gettempdir()).expanduser())
    if kind == "cups":
        if not rest:
            raise ValueError("cups needs a queue name, e.g. cups:Receipts")
        return CupsPrinter(rest)
    if kind == "system":
        from kiosk.printing.qt import QtPrinter

        return QtPrinter(rest or None)
    if kind == "escpos":
        return _escpos(rest)
    raise ValueError(f"unknown printer {spec!r}: none, pdf:DIR, cups:QUEUE, system:NAME or escpos:…")


def spooler_available() -> bool:
    return shutil.which("lp") is not None
