"""The console's Reports tab: a range of days, its figures, charts, and CSV or PDF export.

QtCharts (PySide6-Addons) is imported only here, and only when the tab is first shown, so neither the
kiosk nor the console's start pays for it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import _, use_language
from kiosk.i18n.formatting import format_number
from kiosk.ui.tasks import TaskRunner, user_message
from kiosk.ui.widgets.buttons import button, set_text

if TYPE_CHECKING:
    from kiosk.services.context import ServiceContext
    from kiosk.services.reports import Report

CHART_HEIGHT = 260


def add_reports_tab(console) -> ReportsPanel:
    """The Reports tab of the reception console (its one line of wiring)."""
    panel = ReportsPanel(
        language=console.language, runner=console.runner, ctx=lambda: console.ctx, on_message=console._say
    )
    console.tabs.addTab(panel, "")
    panel.tab_title = lambda text: console.tabs.setTabText(console.tabs.indexOf(panel), text)
    console.language_box.currentIndexChanged.connect(lambda _i: panel.set_language(console.language))
    panel.retranslate()
    return panel


class ReportsPanel(QWidget):
    def __init__(
        self,
        *,
        language: str = "en",
        runner: TaskRunner | None = None,
        ctx: Callable[[], ServiceContext | None] = lambda: None,
        on_message: Callable[[str, bool], None] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("reportsPanel")
        self.language = language
        self.runner = runner or TaskRunner(self)
        self.ctx = ctx
        self.on_message = on_message or (lambda _text, _ok: None)
        self.tab_title: Callable[[str], None] = lambda _text: None
        self.report: Report | None = None
        self.charts: dict[str, object] = {}  # key -> QChart, once the tab has been shown
        self.busy = False

        self.from_label = QLabel(self)
        self.to_label = QLabel(self)
        today = QDate.currentDate()
        self.from_date = QDateEdit(today.addDays(-6), self)
        self.to_date = QDateEdit(today, self)
        for picker, name in ((self.from_date, "reportFrom"), (self.to_date, "reportTo")):
            picker.setObjectName(name)
            picker.setCalendarPopup(True)
            picker.setDisplayFormat("yyyy-MM-dd")
        self.show_button = button("primary", "reportShowButton", self)
        self.show_button.clicked.connect(self.load)
        self.csv_button = button("", "reportCsvButton", self)
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.pdf_button = button("", "reportPdfButton", self)
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.status = QLabel(self)
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        bar = QHBoxLayout()
        for widget in (self.from_label, self.from_date, self.to_label, self.to_date, self.show_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.csv_button)
        bar.addWidget(self.pdf_button)

        # Key figures, then the charts, then the full tables (the same ones the CSV and PDF hold).
        self.figures = QGridLayout()
        self.figure_labels: dict[str, tuple[QLabel, QLabel]] = {}
        self.chart_grid = QGridLayout()
        self.tables_box = QVBoxLayout()
        page = QWidget(self)
        inner = QVBoxLayout(page)
        inner.addLayout(self.figures)
        inner.addLayout(self.chart_grid)
        inner.addLayout(self.tables_box)
        inner.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        self._enable(False)

    # -- data -----------------------------------------------------------------------------------
    def range(self) -> tuple[date, date]:
        return self.from_date.date().toPython(), self.to_date.date().toPython()

    def set_range(self, first: date, last: date) -> None:
        self.from_date.setDate(QDate(first.year, first.month, first.day))
        self.to_date.setDate(QDate(last.year, last.month, last.day))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.report is None and not self.busy:
            self.load()

    def load(self) -> None:
        ctx = self.ctx()
        if ctx is None or self.busy:
            return
        from kiosk.services import reports

        first, last = self.range()
        if last < first:
            first, last = last, first
            self.set_range(first, last)
        if (last - first).days >= reports.MAX_DAYS:
            first = last - timedelta(days=reports.MAX_DAYS - 1)
            self.set_range(first, last)
        self.busy = True
        self._enable(False)
        with use_language(self.language):
            self.status.setText(_("One moment, please…"))

        def done(report) -> None:
            self.busy = False
            self.report = report
            self._render()
            self._enable(True)

        def failed(exc: Exception) -> None:
            self.busy = False
            self._enable(self.report is not None)
            with use_language(self.language):
                self.status.setText(user_message(exc))

        self.runner.submit(lambda: reports.build(ctx, first, last), done, failed)

    def export(self, kind: str, path: Path | None = None) -> None:
        """Write the report shown as CSV or PDF, in the console's language (asks where, unless told)."""
        report, language = self.report, self.language
        if report is None:
            return
        if path is None:
            with use_language(language):
                title = _("Save the report")
            suggested = f"report-{report.first.isoformat()}-{report.last.isoformat()}.{kind}"
            chosen, _filter = QFileDialog.getSaveFileName(self, title, suggested, f"*.{kind}")
            if not chosen:
                return
            path = Path(chosen)

        def write() -> Path:
            from kiosk.services import reports

            if kind == "csv":
                data = reports.to_csv(report, language)
            else:
                from kiosk.printing.report_pdf import render_report

                data = render_report(report, language)
            path.write_bytes(data)
            return path

        def written(where: Path) -> None:
            with use_language(self.language):
                self.on_message(_("Saved {file}", file=str(where)), True)
                self.status.setText(_("Saved {file}", file=str(where)))

        def failed(exc: Exception) -> None:
            with use_language(self.language):
                text = _("The report could not be saved: {reason}", reason=str(exc) or type(exc).__name__)
                self.on_message(text, False)
                self.status.setText(text)

        self.runner.submit(write, written, failed)

    # -- display --------------------------------------------------------------------------------
    def set_language(self, language: str) -> None:
        self.language = language
        self.retranslate()

    def retranslate(self) -> None:
        with use_language(self.language):
            self.tab_title(_("Reports"))
            self.from_label.setText(_("From"))
            self.to_label.setText(_("To"))
            self.from_date.setAccessibleName(_("First day"))
            self.to_date.setAccessibleName(_("Last day"))
            set_text(self.show_button, _("Show"))
            set_text(self.csv_button, _("Export CSV"), _("A spreadsheet of every figure"))
            set_text(self.pdf_button, _("Export PDF"), _("The report with its charts, to print or send"))
        if self.report is not None:
            self._render()

    def _enable(self, ready: bool) -> None:
        self.show_button.setEnabled(not self.busy)
        self.csv_button.setEnabled(ready)
        self.pdf_button.setEnabled(ready)

    def _render(self) -> None:
        from kiosk.services.reports import rating_label, tables

        report = self.report
        language = self.language
        with use_language(language):
            self.status.setText(
                _(
                    "{visits} visits, {first} to {last}",
                    visits=format_number(report.visits),
                    first=report.first.isoformat(),
                    last=report.last.isoformat(),
                )
            )
            self._render_figures(report)
            self._chart(
                "hours",
                0,
                0,
                _("Visits by hour of day"),
                [f"{hour:02d}" for hour in _hours(report)],
                [report.by_hour.get(hour, 0) for hour in _hours(report)],
            )
            self._chart(
                "services",
                0,
                1,
                _("Visits by service"),
                [report.service_name(code, language) for code in report.by_service],
                list(report.by_service.values()),
                horizontal=True,
            )
            ratings = sorted(report.satisfaction.counts)
            self._chart(
                "satisfaction",
                1,
                0,
                _("Satisfaction"),
                [rating_label(r) for r in ratings],
                [report.satisfaction.counts[r] for r in ratings],
                horizontal=True,
            )
            self._render_tables(tables(report, language))

    def _render_figures(self, report: Report) -> None:
        def percent(share: float | None) -> str:
            return "–" if share is None else f"{format_number(round(share * 100, 1))} %"

        def minutes(value: float | None) -> str:
            return "–" if value is None else _("{n} min", n=format_number(round(value, 1)))

        figures = [
            ("visits", _("Visits"), format_number(report.visits)),
            ("wait", _("Median wait"), minutes(report.waiting.median)),
            ("wait90", _("90th percentile wait"), minutes(report.waiting.p90)),
            ("service", _("Median service"), minutes(report.service_time.median)),
            ("fcr", _("First-contact resolution"), percent(report.first_contact_rate)),
            ("noshow", _("No-show rate"), percent(report.no_show_rate)),
            (
                "rating",
                _("Mean rating (1 to 5)"),
                "–"
                if report.satisfaction.mean is None
                else format_number(round(report.satisfaction.mean, 1)),
            ),
            ("good", _("Rated 4 or 5"), percent(report.satisfaction.good_share)),
        ]
        for index, (key, title, value) in enumerate(figures):
            if key not in self.figure_labels:
                name, number = QLabel(self), QLabel(self)
                number.setObjectName(f"figure_{key}")
                number.setProperty("role", "heading")
                self.figures.addWidget(name, 0, index)
                self.figures.addWidget(number, 1, index)
                self.figure_labels[key] = (name, number)
            name, number = self.figure_labels[key]
            name.setText(title)
            number.setText(value)
            number.setAccessibleName(f"{title}: {value}")

    def _chart(
        self,
        key: str,
        row: int,
        column: int,
        title: str,
        labels: list[str],
        values: list[int],
        horizontal: bool = False,
    ) -> None:
        from PySide6.QtCharts import (
            QBarCategoryAxis,
            QBarSeries,
            QBarSet,
            QChart,
            QChartView,
            QHorizontalBarSeries,
            QValueAxis,
        )
        from PySide6.QtGui import QColor, QPainter

        chart = self.charts.get(key)
        if chart is None:
            chart = QChart()
            chart.legend().hide()
            view = QChartView(chart, self)
            view.setObjectName(f"chart_{key}")
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(CHART_HEIGHT)
            self.chart_grid.addWidget(view, row, column)
            self.charts[key] = chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        chart.setTitle(title)
        bars = QBarSet(title)
        bars.setColor(QColor("#0B4F8A"))
        bars.append([float(v) for v in values])
        series = QHorizontalBarSeries() if horizontal else QBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append(labels or [""])
        numbers = QValueAxis()
        numbers.setRange(0, max(4, max(values, default=0)))
        numbers.setLabelFormat("%d")
        if horizontal:
            chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
            chart.addAxis(numbers, Qt.AlignmentFlag.AlignBottom)
        else:
            chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
            chart.addAxis(numbers, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(numbers)

    def _render_tables(self, tables) -> None:
        while self.tables_box.count():
            item = self.tables_box.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.table_widgets: dict[str, QTableWidget] = {}
        for table in tables:
            if table.key == "summary" or not table.rows:
                continue
            heading = QLabel(table.title, self)
            heading.setProperty("role", "heading")
            grid = QTableWidget(len(table.rows), len(table.columns), self)
            grid.setObjectName(f"reportTable_{table.key}")
            grid.setAccessibleName(table.title)
            grid.setHorizontalHeaderLabels(table.columns)
            grid.verticalHeader().setVisible(False)
            grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            grid.horizontalHeader().setStretchLastSection(True)
            for r, row in enumerate(table.rows):
                for c, value in enumerate(row):
                    text = (
                        "–"
                        if value is None
                        else (format_number(value) if isinstance(value, int | float) else str(value))
                    )
                    item = QTableWidgetItem(text)
                    if isinstance(value, int | float):
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    grid.setItem(r, c, item)
            grid.setFixedHeight(
                grid.horizontalHeader().height() + sum(grid.rowHeight(r) for r in range(grid.rowCount())) + 4
            )
            self.tables_box.addWidget(heading)
            self.tables_box.addWidget(grid)
            self.table_widgets[table.key] = grid


def _hours(report: Report) -> list[int]:
    """Every hour from the first to the last with a visit (the quiet hours between show as zero)."""
    if not report.by_hour:
        return []
    return list(range(min(report.by_hour), max(report.by_hour) + 1))
