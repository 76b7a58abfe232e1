"""PDF pages as images, for printers that take pixels (ESC/POS thermal printers, the Qt print system).

pdfium draws the same PDF the other backends print, so a raster printer shows every script the PDF has.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()  # pdfium is not thread-safe


def rasterize(pdf: bytes, dpi: float, grayscale: bool = True) -> list:
    """Every page as a PIL image at ``dpi``."""
    import pypdfium2 as pdfium

    with _lock:
        document = pdfium.PdfDocument(pdf)
        try:
            images = []
            for index in range(len(document)):
                page = document[index]
                bitmap = page.render(scale=dpi / 72, grayscale=grayscale)
                images.append(bitmap.to_pil())
                page.close()
            return images
        finally:
            document.close()
