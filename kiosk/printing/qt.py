"""The Qt print system (Windows, macOS): the receipt's pages, rasterized, painted onto a QPrinter.

PySide6 is imported only here, and only when a ``system:`` printer is configured. Qt allows painting on
a QPrinter outside the GUI thread, so this runs on the printing worker like the other backends.
"""

from __future__ import annotations

from kiosk.services.ports import PrinterError


class QtPrinter:
    def __init__(
        self, printer_name: str | None = None, dpi: int = 300, output_file: str | None = None
    ) -> None:
        self.printer_name = printer_name
        self.dpi = dpi
        self.output_file = output_file  # tests: Qt's own PDF output instead of a printer
        self.name = f"system:{printer_name or '(default)'}"

    def print_pdf(self, pdf: bytes, *, page_size_mm: tuple[float, float], title: str) -> None:
        from PySide6.QtCore import QMarginsF, QRectF, QSizeF
        from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
        from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

        from kiosk.printing.raster import rasterize

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.output_file:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(self.output_file)
        else:
            if self.printer_name and self.printer_name not in QPrinterInfo.availablePrinterNames():
                raise PrinterError(f"no printer named {self.printer_name!r} in the system's print settings")
            if not self.printer_name and QPrinterInfo.defaultPrinter().isNull():
                raise PrinterError("the system has no default printer")
            if self.printer_name:
                printer.setPrinterName(self.printer_name)
        if not printer.isValid():
            raise PrinterError(f"printer {self.name} is not valid")
        printer.setDocName(title)
        printer.setFullPage(True)
        size = QPageSize(
            QSizeF(*page_size_mm), QPageSize.Unit.Millimeter, title, QPageSize.SizeMatchPolicy.FuzzyMatch
        )
        printer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
        pages = rasterize(pdf, self.dpi)
        painter = QPainter()
        if not painter.begin(printer):
            raise PrinterError(f"printer {self.name} cannot start a job (off, or out of paper?)")
        try:
            for index, image in enumerate(pages):
                if index:
                    printer.newPage()
                rgb = image.convert("RGB")
                data = rgb.tobytes()
                qimage = QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888)
                target = printer.pageLayout().fullRectPixels(printer.resolution())
                painter.drawImage(QRectF(target), qimage)
        finally:
            painter.end()
