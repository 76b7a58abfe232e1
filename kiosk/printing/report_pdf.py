"""The admin's report as a PDF: the report's tables and simple charts, in the staff member's language.

Letter pages laid out by reportlab's platypus. Text is drawn in the receipts' embedded fonts, each run of
text in the font that has its letters (kiosk.printing.fonts), so Vietnamese, Russian and Chinese print.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kiosk.i18n import _, use_language
from kiosk.i18n.formatting import format_number
from kiosk.printing import fonts, receipts
from kiosk.services.reports import Report, rating_label, tables, weekday_names
from kiosk.services.reports import Table as ReportTable

BLUE = colors.HexColor("#0B4F8A")
GRID = colors.HexColor("#B8C4CE")
BAND = colors.HexColor("#EEF3F7")
CHART_WIDTH = 170 * mm
LABEL_CHARS = 28  # a service's name on a chart axis; the table beside it has the whole name


def _markup(text: str, bold: bool = False) -> str:
    """Paragraph markup drawing each run of ``text`` in the font that has its letters."""
    return "".join(f'<font name="{font}">{escape(part)}</font>' for font, part in fonts.runs(text, bold))


def _font_for(text: str) -> str:
    """One font for a whole chart label: the Chinese one when the Latin one lacks a letter."""
    return fonts.MING if any(font == fonts.MING for font, _part in fonts.runs(text)) else fonts.SANS


def _cell(value, style: ParagraphStyle) -> Paragraph:
    if value is None:
        text = "–"
    elif isinstance(value, int | float) and not isinstance(value, bool):
        text = format_number(value)
    else:
        text = str(value)
    return Paragraph(_markup(text), style)


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=fonts.SANS_BOLD, fontSize=18, leading=23, textColor=BLUE),
        "meta": ParagraphStyle("meta", fontName=fonts.SANS, fontSize=9, leading=12, textColor=colors.grey),
        "heading": ParagraphStyle(
            "heading", fontName=fonts.SANS_BOLD, fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=4
        ),
        "cell": ParagraphStyle("cell", fontName=fonts.SANS, fontSize=9, leading=11.5),
        "number": ParagraphStyle("number", fontName=fonts.SANS, fontSize=9, leading=11.5, alignment=2),
        "head": ParagraphStyle("head", fontName=fonts.SANS_BOLD, fontSize=8.5, leading=11),
        "head_small": ParagraphStyle("head_small", fontName=fonts.SANS_BOLD, fontSize=7, leading=9),
    }


def _table(table: ReportTable, styles, width: float) -> Table:
    numeric = [
        all(isinstance(row[i], int | float) or row[i] is None for row in table.rows) and bool(table.rows)
        for i in range(len(table.columns))
    ]
    # Eight measures side by side: a smaller heading keeps "percentile" whole in its narrow column.
    head_style = styles["head_small"] if len(table.columns) > 5 else styles["head"]
    head = [Paragraph(_markup(name, bold=True), head_style) for name in table.columns]
    body = [
        [_cell(value, styles["number"] if numeric[i] else styles["cell"]) for i, value in enumerate(row)]
        for row in table.rows
    ]
    if len(table.columns) == 2:
        widths = [width * 0.7, width * 0.3]
    elif table.key == "times":
        widths = [width * 0.2] + [width * 0.8 / 8] * 8
    elif table.key == "comments":
        widths = [width * 0.18, width * 0.12, width * 0.70]
    else:
        first = width * 0.5
        widths = [first] + [(width - first) / (len(table.columns) - 1)] * (len(table.columns) - 1)
    grid = Table([head, *body], colWidths=widths, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, BLUE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, GRID),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, BAND]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return grid


def _vertical_bars(labels: list[str], values: list[int]) -> Drawing:
    height = 50 * mm
    drawing = Drawing(CHART_WIDTH, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 10 * mm
    chart.width, chart.height = CHART_WIDTH - 16 * mm, height - 16 * mm
    chart.data = [values]
    chart.bars[0].fillColor = BLUE
    chart.bars[0].strokeColor = None
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(4, max(values, default=0))
    chart.valueAxis.labels.fontName = fonts.SANS
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.valueStep = max(1, -(-chart.valueAxis.valueMax // 4))
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.fontName = fonts.SANS
    for index, text in enumerate(labels):
        chart.categoryAxis.labels[index].fontName = _font_for(text)
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = fonts.SANS
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 5
    drawing.add(chart)
    return drawing


def _horizontal_bars(labels: list[str], values: list[int]) -> Drawing:
    row = 7 * mm
    height = max(24 * mm, row * len(labels) + 10 * mm)
    drawing = Drawing(CHART_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 62 * mm, 6 * mm
    chart.width, chart.height = CHART_WIDTH - 70 * mm, height - 12 * mm
    # reportlab draws the first category at the bottom: reversed, the list reads top to bottom.
    chart.data = [list(reversed(values))]
    shown = [text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…" for text in labels]
    chart.categoryAxis.categoryNames = list(reversed(shown))
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.fontName = fonts.SANS
    for index, text in enumerate(reversed(shown)):
        chart.categoryAxis.labels[index].fontName = _font_for(text)
    chart.bars[0].fillColor = BLUE
    chart.bars[0].strokeColor = None
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(4, max(values, default=0))
    chart.valueAxis.valueStep = max(1, -(-chart.valueAxis.valueMax // 4))
    chart.valueAxis.labels.fontName = fonts.SANS
    chart.valueAxis.labels.fontSize = 7.5
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = fonts.SANS
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def render_report(report: Report, language: str, building: str = "") -> bytes:
    """The report as a Letter PDF in ``language``."""
    fonts.register_fonts()
    from zoneinfo import ZoneInfo

    from babel.dates import format_datetime

    with use_language(language):
        styles = _styles()
        width = LETTER[0] - 36 * mm
        title = _("Front desk report")
        story: list = [Paragraph(_markup(title, bold=True), styles["title"])]
        made = format_datetime(
            report.generated_at.astimezone(ZoneInfo(report.timezone)), format="medium", locale=language
        )
        meta = [building] if building else []
        meta.append(_("Made {when}", when=made))
        story.append(Paragraph(_markup(" · ".join(meta)), styles["meta"]))
        story.append(Spacer(1, 4 * mm))
        by_key = {table.key: table for table in tables(report, language)}
        charts = {
            "services": _horizontal_bars(
                [report.service_name(code, language) for code in report.by_service],
                list(report.by_service.values()),
            ),
            "hours": _vertical_bars(
                [str(row[0])[:2] for row in by_key["hours"].rows],
                [int(row[1]) for row in by_key["hours"].rows],
            ),
            "weekdays": _vertical_bars(
                [name[:3] if len(name) > 4 else name for name in weekday_names(language)],
                [report.by_weekday.get(day, 0) for day in range(7)],
            ),
            "satisfaction": _horizontal_bars(
                [rating_label(rating) for rating in sorted(report.satisfaction.counts, reverse=True)],
                [report.satisfaction.counts[r] for r in sorted(report.satisfaction.counts, reverse=True)],
            ),
        }
        for table in by_key.values():
            if not table.rows and table.key != "summary":
                continue
            block: list = [Paragraph(_markup(table.title, bold=True), styles["heading"])]
            if table.key in charts and any(isinstance(row[-1], int) and row[-1] for row in table.rows):
                block.append(charts[table.key])
                block.append(Spacer(1, 2 * mm))
            block.append(_table(table, styles, width))
            # A heading, its chart and a short table stay on one page; a long table may break.
            if len(table.rows) < 30:
                story.append(KeepTogether(block))
            else:
                story.extend(block)
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=LETTER,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=16 * mm,
            bottomMargin=16 * mm,
            title=title,
            author=building,
        )
        page_label = _("Page {number}", number="{number}")

        def footer(canvas, doc) -> None:
            canvas.saveState()
            text = page_label.format(number=format_number(doc.page))
            canvas.setFont(_font_for(text), 8)
            canvas.setFillColor(colors.grey)
            canvas.drawRightString(LETTER[0] - 18 * mm, 9 * mm, text)
            canvas.restoreState()

        with receipts._drawing:
            document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
