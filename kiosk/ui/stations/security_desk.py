"""The security desk: visitors signed in and out, badges printed, who is in the building now.

The list follows sign-ins made at the kiosks through the visitors' change marker. A badge's QR code
held under the desk's USB scanner signs its wearer out from anywhere in the window. When the database
cannot be reached, the list stays on screen as last read, and the roll call prints from it (the
printer is local), saying from when it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain import visitors as rules
from kiosk.domain.visitors import Visit, VisitSource
from kiosk.i18n import LANGUAGES, _, ngettext, use_language
from kiosk.i18n.formatting import format_time
from kiosk.services import visitors
from kiosk.services.context import ServiceContext
from kiosk.services.visitors import InBuilding
from kiosk.ui.stations.polling import ChangePolling
from kiosk.ui.stations.reception import STAFF_STYLE
from kiosk.ui.tasks import TaskRunner, user_message
from kiosk.ui.widgets.buttons import button, set_text

log = logging.getLogger(__name__)

EXPIRED_BACKGROUND = QColor("#F8D7DA")
EXPIRED_TEXT = QColor("#7A1017")  # 8.9:1 on the background above
COLUMNS = 7


class SecurityDesk(ChangePolling, QMainWindow):
    _polled = "Visitor list"

    def __init__(
        self,
        *,
        language: str = "en",
        poll_interval_ms: int = 250,
        printing=None,
        badge_hours: int = 0,
        station: str = "",
        catalogue_dir: Path | None = None,
        runner: TaskRunner | None = None,
        print_runner: TaskRunner | None = None,
    ) -> None:
        """``printing`` renders and prints badges and the roll call (kiosk.printing.badges.DeskPrinting,
        built by the composition root); it blocks, so it runs on a worker of its own."""
        super().__init__()
        self.setObjectName("securityDesk")
        self.language = language
        self.printing = printing
        self.badge_hours = badge_hours
        self.station = station
        self.catalogue_dir = catalogue_dir
        self.ctx: ServiceContext | None = None
        self.runner = runner or TaskRunner(self)
        if print_runner is None:
            from PySide6.QtCore import QThreadPool

            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)  # one job at a time: a slow printer keeps the database threads free
            print_runner = TaskRunner(self, pool=pool)
        self.print_runner = print_runner
        self.snapshot: InBuilding | None = None
        self.version = -1
        self.online: bool | None = None
        self.seen_ids: set[int] | None = None
        self.last_outcome = None  # the last print's outcome (tests, and the desk's message)
        self._polling = False
        self._acting = False

        root = QWidget(self)
        self.setCentralWidget(root)
        root.setStyleSheet(STAFF_STYLE + "QTableWidget#inBuildingTable::item { padding: 2px 6px; }")

        self.title = QLabel(root)
        self.title.setProperty("role", "heading")
        self.connection = QLabel(root)
        self.connection.setObjectName("connectionState")
        self.language_label = QLabel(root)
        self.language_box = QComboBox(root)
        self.language_box.setObjectName("staffLanguageBox")
        for lang in LANGUAGES:
            self.language_box.addItem(lang.endonym, lang.code)
        self.language_box.setCurrentIndex([lang.code for lang in LANGUAGES].index(language))
        self.language_box.currentIndexChanged.connect(self._language_changed)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.connection)
        top.addSpacing(24)
        top.addWidget(self.language_label)
        top.addWidget(self.language_box)

        # Sign a visitor in.
        self.form_group = QGroupBox(root)
        self.name_field = self._field("visitorNameField", rules.NAME_MAX)
        self.organisation_field = self._field("visitorOrganisationField", rules.ORGANISATION_MAX)
        self.host_box = QComboBox(self.form_group)
        self.host_box.setObjectName("visitorHostBox")
        self.host_box.setEditable(True)
        self.host_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.host_box.lineEdit().setMaxLength(rules.HOST_MAX)
        self.purpose_field = self._field("visitorPurposeField", rules.PURPOSE_MAX)
        self.id_checked = QCheckBox(self.form_group)
        self.id_checked.setObjectName("idCheckedBox")
        self.badge_field = self._field("badgeNumberField", rules.BADGE_MAX)
        self.form_error = QLabel(self.form_group)
        self.form_error.setObjectName("signInError")
        self.form_error.setProperty("role", "error")
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        self.sign_in_button = button("primary", "signInButton", self.form_group)
        self.form = QFormLayout(self.form_group)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form_labels = [QLabel(self.form_group) for _ in range(5)]
        for text_label, widget in zip(
            self.form_labels,
            (self.name_field, self.organisation_field, self.host_box, self.purpose_field, self.badge_field),
            strict=True,
        ):
            text_label.setBuddy(widget)
            self.form.addRow(text_label, widget)
        self.form.insertRow(4, self.id_checked)
        self.form.addRow(self.form_error)
        self.form.addRow(self.sign_in_button)

        # Leaving by scan, by name, or everyone at closing time.
        self.out_group = QGroupBox(root)
        self.scan_hint = QLabel(self.out_group)
        self.scan_hint.setWordWrap(True)
        self.badge_out_field = QLineEdit(self.out_group)
        self.badge_out_field.setObjectName("badgeOutField")
        self.badge_out_button = button("", "badgeOutButton", self.out_group)
        out_row = QHBoxLayout()
        out_row.addWidget(self.badge_out_field, 1)
        out_row.addWidget(self.badge_out_button)
        self.sign_out_all_button = button("", "signOutAllButton", self.out_group)
        out_layout = QVBoxLayout(self.out_group)
        out_layout.addWidget(self.scan_hint)
        out_layout.addLayout(out_row)
        out_layout.addWidget(self.sign_out_all_button)

        # The log as CSV for a range of days.
        self.export_group = QGroupBox(root)
        self.from_label, self.to_label = QLabel(self.export_group), QLabel(self.export_group)
        self.from_date = QDateEdit(self.export_group)
        self.from_date.setObjectName("exportFromDate")
        self.to_date = QDateEdit(self.export_group)
        self.to_date.setObjectName("exportToDate")
        for edit in (self.from_date, self.to_date):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")  # the same in every language, and what the CSV holds
            edit.setDate(QDate.currentDate())
        self.export_button = button("", "exportCsvButton", self.export_group)
        export_layout = QHBoxLayout(self.export_group)
        for widget in (self.from_label, self.from_date, self.to_label, self.to_date):
            export_layout.addWidget(widget)
        export_layout.addStretch(1)
        export_layout.addWidget(self.export_button)

        left = QVBoxLayout()
        left.addWidget(self.form_group)
        left.addWidget(self.out_group)
        left.addWidget(self.export_group)
        left.addStretch(1)

        # Who is in the building now.
        self.list_title = QLabel(root)
        self.list_title.setObjectName("inBuildingTitle")
        self.list_title.setProperty("role", "heading")
        self.search_field = QLineEdit(root)
        self.search_field.setObjectName("visitorSearchField")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textChanged.connect(lambda _text: self._render_table())
        self.table = QTableWidget(0, COLUMNS, root)
        self.table.setObjectName("inBuildingTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Names, organisations and offices share what is left; the full text is in each cell's tooltip.
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.sign_out_button = button("primary", "signOutSelectedButton", root)
        self.reprint_button = button("", "reprintBadgeButton", root)
        self.roll_call_button = button("", "printRollCallButton", root)
        actions = QHBoxLayout()
        actions.addWidget(self.sign_out_button)
        actions.addWidget(self.reprint_button)
        actions.addStretch(1)
        actions.addWidget(self.roll_call_button)
        right = QVBoxLayout()
        right.addWidget(self.list_title)
        right.addWidget(self.search_field)
        right.addWidget(self.table, 1)
        right.addLayout(actions)

        self.message = QLabel(root)
        self.message.setObjectName("deskMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        layout = QVBoxLayout(root)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)

        self.sign_in_button.clicked.connect(self.sign_in)
        for field in (self.name_field, self.organisation_field, self.purpose_field, self.badge_field):
            field.returnPressed.connect(self.sign_in)
        self.badge_out_button.clicked.connect(lambda: self.sign_out_badge(self.badge_out_field.text()))
        self.badge_out_field.returnPressed.connect(lambda: self.sign_out_badge(self.badge_out_field.text()))
        self.sign_out_button.clicked.connect(self.sign_out_selected)
        self.reprint_button.clicked.connect(self.reprint_selected)
        self.roll_call_button.clicked.connect(self.print_roll_call)
        self.sign_out_all_button.clicked.connect(self.sign_out_everyone)
        self.export_button.clicked.connect(self.choose_export_file)

        self.poll_timer = QTimer(self, interval=poll_interval_ms)
        self.poll_timer.timeout.connect(self.poll)
        # Badges run out with the clock, not only when someone signs in or out.
        self.clock_timer = QTimer(self, interval=30_000)
        self.clock_timer.timeout.connect(self.refresh)
        self.scanner = None
        self._listen_for_scans()
        self.retranslate()
        self._render()

    def _field(self, object_name: str, limit: int) -> QLineEdit:
        field = QLineEdit(self)
        field.setObjectName(object_name)
        field.setMaxLength(limit)
        return field

    # -- scanner ------------------------------------------------------------------------------------
    def _listen_for_scans(self) -> None:
        from kiosk.ui.widgets.scanner import ScanListener

        self.scanner = ScanListener((rules.QR_PREFIX,), self)
        self.scanner.scanned.connect(self._scanned)

    def _scanned(self, payload: str) -> None:
        # The listener knows a run of keys is a scan only from its second key: the first one reached
        # the focused field (the search box, the form). Take it back out.
        focused = self.focusWidget()
        if isinstance(focused, QLineEdit) and focused.text()[-1:].upper() == payload[:1].upper():
            focused.backspace()
        self.sign_out_badge(payload)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.windowHandle() is not None and self.scanner.window is not self.windowHandle():
            self.scanner.watch(self.windowHandle())

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.poll_timer.stop()
        self.clock_timer.stop()
        super().closeEvent(event)

    # -- data ---------------------------------------------------------------------------------------
    def attach(self, ctx: ServiceContext) -> None:
        if self.station and not ctx.station:
            ctx = replace(ctx, station=self.station)
        self.ctx = ctx
        today = ctx.today()
        for edit in (self.from_date, self.to_date):
            edit.setDate(QDate(today.year, today.month, today.day))
        self.poll_timer.start()
        self.clock_timer.start()
        self.refresh()
        self._load_hosts()

    def _load_hosts(self) -> None:
        language, folder = self.language, self.catalogue_dir

        def loaded(names: list[str]) -> None:
            typed = self.host_box.currentText()
            self.host_box.blockSignals(True)
            self.host_box.clear()
            self.host_box.addItems(names)
            self.host_box.setCurrentIndex(-1)
            self.host_box.setEditText(typed)
            self.host_box.blockSignals(False)

        self.runner.submit(lambda: visitors.host_choices(language, folder), loaded, lambda _exc: None)

    def _marker(self, ctx: ServiceContext) -> int:
        return visitors.change_marker(ctx)

    def _load(self, ctx: ServiceContext) -> InBuilding:
        return visitors.in_building(ctx)

    def _apply(self, snapshot: InBuilding) -> None:
        arrived = [
            p.visit
            for p in snapshot.present
            if self.seen_ids is not None
            and p.visit.id not in self.seen_ids
            and p.visit.source == VisitSource.KIOSK
        ]
        self.seen_ids = {p.visit.id for p in snapshot.present}
        self.snapshot = snapshot
        self.version = snapshot.version
        self._render()
        for visit in arrived:
            self._say(
                self._text(
                    lambda v=visit: _(
                        "{name} signed in at the kiosk (badge {badge}). Print their badge when they come to "
                        "the desk.",
                        name=v.name,
                        badge=v.badge,
                    )
                ),
                ok=True,
            )

    # -- actions ------------------------------------------------------------------------------------
    def _run(self, fn: Callable[[], object], done: Callable[[object], None], failed=None) -> None:
        if self.ctx is None or self._acting:
            return
        self._acting = True
        self._update_buttons()

        def finished(result: object) -> None:
            self._acting = False
            done(result)
            self.refresh()

        def refused(exc: Exception) -> None:
            self._acting = False
            with use_language(self.language):
                text = user_message(exc)
            (failed or (lambda message: self._say(message, ok=False)))(text)
            self._update_buttons()

        self.runner.submit(fn, finished, refused)

    def sign_in(self) -> None:
        ctx = self.ctx
        values = dict(
            name=self.name_field.text(),
            organisation=self.organisation_field.text(),
            host=self.host_box.currentText(),
            purpose=self.purpose_field.text(),
            id_checked=self.id_checked.isChecked(),
            badge=self.badge_field.text(),
            badge_hours=self.badge_hours,
        )

        def failed(message: str) -> None:
            self.form_error.setText(message)
            self.form_error.setVisible(True)
            self.name_field.setFocus()

        self._run(lambda: visitors.sign_in(ctx, **values), self._signed_in, failed)

    def _signed_in(self, visit: Visit) -> None:
        self.clear_form()
        self._say(self._text(lambda: _("Signed in: badge {badge}.", badge=visit.badge)), ok=True)
        self.print_badge(visit)

    def clear_form(self) -> None:
        for field in (self.name_field, self.organisation_field, self.purpose_field, self.badge_field):
            field.clear()
        self.host_box.setCurrentIndex(-1)
        self.host_box.setEditText("")
        self.id_checked.setChecked(False)
        self.form_error.clear()
        self.form_error.setVisible(False)
        self.name_field.setFocus()

    def sign_out_badge(self, text: str) -> None:
        """A badge scanned anywhere in the window, or its number typed."""
        if not text.strip():
            return
        ctx = self.ctx
        self.badge_out_field.clear()
        self._run(lambda: visitors.sign_out_scanned(ctx, text), self._signed_out)

    def _signed_out(self, visit: Visit) -> None:
        self._say(
            self._text(lambda: _("Signed out: {name}, badge {badge}.", name=visit.name, badge=visit.badge)),
            ok=True,
        )

    def selected_visit(self) -> Visit | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def sign_out_selected(self) -> None:
        visit = self.selected_visit()
        if visit is None:
            return
        ctx = self.ctx
        self._run(lambda: visitors.sign_out(ctx, visit.id), self._signed_out)

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(
            self, self.windowTitle(), question, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        )
        return answer == QMessageBox.StandardButton.Yes

    def sign_out_everyone(self) -> None:
        count = len(self.snapshot.present) if self.snapshot else 0
        if count == 0:
            return
        question = self._text(
            lambda: ngettext(
                "Sign out the {n} visitor still signed in?",
                "Sign out all {n} visitors still signed in?",
                count,
            )
        )
        if not self.confirm(question):
            return
        ctx = self.ctx

        def done(left: list[Visit]) -> None:
            self._say(
                self._text(
                    lambda: ngettext("{n} visitor signed out.", "{n} visitors signed out.", len(left))
                ),
                ok=True,
            )

        self._run(lambda: visitors.sign_out_all(ctx), done)

    # -- printing -----------------------------------------------------------------------------------
    def print_badge(self, visit: Visit) -> None:
        if self.printing is None:
            return
        printing, language = self.printing, self.language

        def done(outcome) -> None:
            self.last_outcome = outcome
            self._say(
                self._printed_text(outcome, lambda: _("Badge {badge} printed.", badge=visit.badge)),
                ok=outcome.printed,
            )

        self.print_runner.submit(lambda: printing.badge(visit, language), done, self._print_failed)

    def reprint_selected(self) -> None:
        visit = self.selected_visit()
        if visit is not None:
            self.print_badge(visit)

    def print_roll_call(self) -> None:
        """From the list on screen: printed even when the database cannot be reached right now."""
        if self.printing is None or self.snapshot is None:
            return
        snapshot, printing, language = self.snapshot, self.printing, self.language
        rows = [
            dict(
                badge=p.visit.badge,
                name=p.visit.name,
                organisation=p.visit.organisation,
                host=p.visit.host,
                signed_in_at=p.visit.signed_in_at,
                expired=p.expired,
            )
            for p in snapshot.present
        ]
        printed_at = self.ctx.now() if self.ctx is not None else datetime.now(snapshot.as_of.tzinfo)

        def done(outcome) -> None:
            self.last_outcome = outcome
            self._say(
                self._printed_text(
                    outcome,
                    lambda: ngettext(
                        "Roll call printed: {n} visitor in the building.",
                        "Roll call printed: {n} visitors in the building.",
                        len(rows),
                    ),
                ),
                ok=outcome.printed,
            )

        self.print_runner.submit(
            lambda: printing.roll_call(rows, snapshot.as_of, printed_at, language), done, self._print_failed
        )

    def _printed_text(self, outcome, printed: Callable[[], str]) -> str:
        if outcome.printed:
            return self._text(printed)
        return self._text(
            lambda: _(
                "No printer is working ({reason}). Saved as a PDF instead: {path}",
                reason=outcome.reason,
                path=str(outcome.path),
            )
        )

    def _print_failed(self, exc: Exception) -> None:
        self._say(
            self._text(lambda: _("Could not print or save the document: {reason}", reason=str(exc))), ok=False
        )

    # -- export -------------------------------------------------------------------------------------
    def choose_export_file(self) -> None:
        start, end = self.from_date.date().toPython(), self.to_date.date().toPython()
        suggested = str(Path.home() / f"visitors-{start.isoformat()}-{end.isoformat()}.csv")
        with use_language(self.language):
            caption = _("Export the visitor log")
            kind = _("CSV files (*.csv)")
        path, _filter = QFileDialog.getSaveFileName(self, caption, suggested, kind)
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        ctx = self.ctx
        start, end = self.from_date.date().toPython(), self.to_date.date().toPython()

        def export() -> int:
            data = visitors.export_csv(ctx, start, end)
            path.write_bytes(data)
            return data.count(b"\r\n") - 1

        self._run(
            export,
            lambda n: self._say(
                self._text(
                    lambda: ngettext(
                        "{n} visit exported to {path}.", "{n} visits exported to {path}.", n, path=str(path)
                    )
                ),
                ok=True,
            ),
        )

    # -- presentation -------------------------------------------------------------------------------
    def _text(self, make: Callable[[], str]) -> str:
        with use_language(self.language):
            return make()

    def _say(self, text: str, ok: bool) -> None:
        self.message.setProperty("role", "ok" if ok else "error")
        self.message.setText(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def _set_online(self, online: bool) -> None:
        if online == self.online:
            return
        self.online = online
        self._render_connection()

    def _render_connection(self) -> None:
        if self.online is None:
            return
        with use_language(self.language):
            if self.online:
                text = _("Live")
            elif self.snapshot is not None and self.ctx is not None:
                text = _(
                    "Database unreachable: the list is as of {time}",
                    time=format_time(self.snapshot.as_of, self.ctx.timezone),
                )
            else:
                text = _("Database unreachable: retrying")
        self.connection.setText(text)
        self.connection.setProperty("role", "ok" if self.online else "error")
        self.connection.style().unpolish(self.connection)
        self.connection.style().polish(self.connection)

    def _language_changed(self, _index: int) -> None:
        self.language = self.language_box.currentData()
        self.retranslate()
        self._render_connection()
        self._render()
        if self.ctx is not None:
            self._load_hosts()

    def retranslate(self) -> None:
        with use_language(self.language):
            self.setWindowTitle(_("Security desk"))
            self.title.setText(_("Security desk"))
            self.language_label.setText(_("Language:"))
            self.language_box.setAccessibleName(_("Language:"))
            self.form_group.setTitle(_("Sign a visitor in"))
            texts = (_("Name"), _("Organisation"), _("Visiting"), _("Purpose"), _("Badge number"))
            for text_label, text in zip(self.form_labels, texts, strict=True):
                text_label.setText(text)
            for widget, text in zip(
                (
                    self.name_field,
                    self.organisation_field,
                    self.host_box,
                    self.purpose_field,
                    self.badge_field,
                ),
                texts,
                strict=True,
            ):
                widget.setAccessibleName(text)
            self.organisation_field.setPlaceholderText(_("Optional"))
            self.host_box.lineEdit().setPlaceholderText(_("A person or an office"))
            self.purpose_field.setPlaceholderText(_("Optional"))
            self.badge_field.setPlaceholderText(_("Automatic"))
            self.badge_field.setAccessibleDescription(_("Leave empty for the next free number"))
            self.id_checked.setText(_("ID checked (never write down its number)"))
            self.id_checked.setAccessibleName(self.id_checked.text())
            set_text(self.sign_in_button, _("Sign in and print badge"))
            self.out_group.setTitle(_("Sign a visitor out"))
            self.scan_hint.setText(_("Scan the badge's QR code at any time, or type its number."))
            self.badge_out_field.setPlaceholderText(_("Badge number"))
            self.badge_out_field.setAccessibleName(_("Badge number to sign out"))
            set_text(self.badge_out_button, _("Sign out"))
            set_text(
                self.sign_out_all_button,
                _("Sign everyone out"),
                _("At closing time: everyone still signed in is signed out"),
            )
            self.export_group.setTitle(_("Export the visitor log (CSV)"))
            self.from_label.setText(_("From"))
            self.to_label.setText(_("To"))
            self.from_date.setAccessibleName(_("From"))
            self.to_date.setAccessibleName(_("To"))
            set_text(self.export_button, _("Export CSV…"))
            self.search_field.setPlaceholderText(_("Search by name or badge"))
            self.search_field.setAccessibleName(_("Search by name or badge"))
            self.table.setHorizontalHeaderLabels(
                [
                    _("Badge"),
                    _("Name"),
                    _("Organisation"),
                    _("Visiting"),
                    _("Signed in"),
                    _("Valid until"),
                    _("Source"),
                ]
            )
            set_text(self.sign_out_button, _("Sign out selected"))
            set_text(self.reprint_button, _("Print badge again"))
            set_text(
                self.roll_call_button,
                _("Print roll call"),
                _("The evacuation list: everyone signed in, printed here even when the network is down"),
            )

    def _render(self) -> None:
        with use_language(self.language):
            self._render_table()
            self._update_buttons()

    def visible_present(self):
        if self.snapshot is None:
            return []
        query = self.search_field.text().strip()
        if not query:
            return list(self.snapshot.present)
        badge = query.upper()
        return [p for p in self.snapshot.present if p.visit.badge == badge or rules.matches(p.visit, query)]

    def _render_table(self) -> None:
        with use_language(self.language):
            snap = self.snapshot
            total = len(snap.present) if snap else 0
            title = ngettext("In the building now: {n} visitor", "In the building now: {n} visitors", total)
            if snap and snap.expired_count:
                title += "   ·   " + ngettext("{n} badge expired", "{n} badges expired", snap.expired_count)
            self.list_title.setText(title)
            zone = self.ctx.timezone if self.ctx else None
            shown = self.visible_present()
            chosen = self.selected_visit()
            self.table.setRowCount(len(shown))
            for row, present in enumerate(shown):
                visit = present.visit
                until = format_time(visit.expires_at, zone) if zone else ""
                if zone and visit.expires_at == rules.default_expiry(visit.signed_in_at, zone):
                    until = _("End of the day")
                if present.expired:
                    until = _("EXPIRED at {time}", time=until)
                values = [
                    visit.badge,
                    visit.name,
                    visit.organisation,
                    visit.host,
                    format_time(visit.signed_in_at, zone) if zone else "",
                    until,
                    _("Kiosk") if visit.source == VisitSource.KIOSK else _("Desk"),
                ]
                for column, value in enumerate(values):
                    item = QTableWidgetItem(value)
                    item.setData(Qt.ItemDataRole.UserRole, visit)
                    item.setToolTip(value)
                    if present.expired:
                        item.setBackground(QBrush(EXPIRED_BACKGROUND))
                        item.setForeground(QBrush(EXPIRED_TEXT))
                        if column == 5:
                            font = item.font()
                            font.setBold(True)
                            item.setFont(font)
                    self.table.setItem(row, column, item)
                if chosen is not None and visit.id == chosen.id:
                    self.table.selectRow(row)

    def _update_buttons(self) -> None:
        ready = self.ctx is not None and not self._acting
        selected = self.selected_visit() is not None
        self.sign_in_button.setEnabled(ready)
        self.badge_out_button.setEnabled(ready)
        self.sign_out_button.setEnabled(ready and selected)
        self.reprint_button.setEnabled(selected and self.printing is not None)
        self.sign_out_all_button.setEnabled(ready and bool(self.snapshot and self.snapshot.present))
        self.roll_call_button.setEnabled(self.printing is not None and self.snapshot is not None)
        self.export_button.setEnabled(ready)
