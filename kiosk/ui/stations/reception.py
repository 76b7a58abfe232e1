"""The reception console: the live queue and the actions of one counter."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.tickets import FIRST_NAME_MAX, TicketStatus
from kiosk.i18n import LANGUAGES, _, ngettext, use_language
from kiosk.i18n.formatting import format_elapsed, format_time, format_wait
from kiosk.services import checkin, counters, estimates, queue
from kiosk.services.context import ServiceContext
from kiosk.services.queue import QueueSnapshot
from kiosk.ui.stations.outbox_panel import OutboxPanel
from kiosk.ui.stations.polling import ChangePolling
from kiosk.ui.stations.queue_rules_panel import QueueRulesPanel
from kiosk.ui.stations.rooms_panel import RoomsPanel
from kiosk.ui.tasks import TaskRunner, user_message
from kiosk.ui.widgets.buttons import button, set_text

log = logging.getLogger(__name__)

STAFF_STYLE = """
QWidget { font-size: 16px; }
QPushButton { min-height: 44px; padding: 4px 14px; }
QPushButton[role="primary"] { background: #0B4F8A; color: white; font-weight: 600; border-radius: 4px; }
QPushButton[role="primary"]:disabled { background: #9DB3C8; }
QLabel[role="current"] { font-size: 56px; font-weight: 700; color: #0B4F8A; }
QLabel[role="heading"] { font-size: 20px; font-weight: 600; }
QLabel[role="error"] { color: #A4262C; font-weight: 600; }
QLabel[role="ok"] { color: #1E6B34; font-weight: 600; }
QTableWidget { font-size: 17px; }
"""


class ReceptionConsole(ChangePolling, QMainWindow):
    COLUMNS = 6
    _polled = "Queue"

    def __init__(
        self,
        *,
        counters: tuple[str, ...],
        language: str = "en",
        poll_interval_ms: int = 250,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("receptionConsole")
        self.language = language
        self.ctx: ServiceContext | None = None
        self.runner = runner or TaskRunner(self)
        self.snapshot: QueueSnapshot | None = None
        self.version = -1
        self._polling = False
        self._acting = False
        self.online = None

        root = QWidget(self)
        self.setCentralWidget(root)
        root.setStyleSheet(STAFF_STYLE)

        self.title = QLabel(root)
        self.title.setProperty("role", "heading")
        self.counter_label = QLabel(root)
        self.counter_box = QComboBox(root)
        self.counter_box.setObjectName("counterBox")
        self.counters = counters
        self.counter_box.currentIndexChanged.connect(lambda _i: self._render())
        self.language_label = QLabel(root)
        self.language_box = QComboBox(root)
        self.language_box.setObjectName("staffLanguageBox")
        for lang in LANGUAGES:
            self.language_box.addItem(lang.endonym, lang.code)
        self.language_box.setCurrentIndex([lang.code for lang in LANGUAGES].index(language))
        self.language_box.currentIndexChanged.connect(self._language_changed)
        self.connection = QLabel(root)
        self.connection.setObjectName("connectionState")
        # The central 311 service has a line of its own beside the database's: each has its own state and
        # colour (the queue works with 311 down, and not with the database down). The requests panel
        # derives it from the sync status the workers record (see outbox_panel.central_state): online,
        # offline with the last contact, delivery paused, no delivery round lately, or not reached yet.
        self.central = QLabel(root)
        self.central.setObjectName("centralState")
        # Kiosk printers that stopped printing: the visitor was told to remember their number; staff
        # should know to refill or restart the printer.
        self.printers = QLabel(root)
        self.printers.setObjectName("printerProblems")
        self.printers.setProperty("role", "error")
        self.printers.setWordWrap(True)
        self.printers.hide()
        self.printer_problems: list = []
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.connection)
        top.addSpacing(16)
        top.addWidget(self.central)
        top.addSpacing(24)
        top.addWidget(self.counter_label)
        top.addWidget(self.counter_box)
        top.addSpacing(24)
        top.addWidget(self.language_label)
        top.addWidget(self.language_box)

        # The waiting queue.
        self.waiting_title = QLabel(root)
        self.waiting_title.setProperty("role", "heading")
        self.table = QTableWidget(0, self.COLUMNS, root)
        self.table.setObjectName("waitingTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        queue_page = QWidget(root)
        left = QVBoxLayout(queue_page)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.waiting_title)
        left.addWidget(self.table, 1)
        # How right the waits told today were, so staff can judge them (kiosk/services/estimates.py).
        self.accuracy_label = QLabel(queue_page)
        self.accuracy_label.setObjectName("estimateAccuracy")
        self.accuracy_label.setWordWrap(True)
        left.addWidget(self.accuracy_label)
        # Rooms share the left side with the queue: one console, one receptionist, two tabs.
        self.rooms_panel = RoomsPanel(
            language=language, poll_interval_ms=poll_interval_ms, runner=self.runner, on_message=self._say
        )
        self.tabs = QTabWidget(root)
        self.tabs.setObjectName("consoleTabs")
        self.tabs.addTab(queue_page, "")
        self.tabs.addTab(self.rooms_panel, "")
        self.outbox_panel = OutboxPanel(
            language=language, poll_interval_ms=poll_interval_ms, runner=self.runner, on_message=self._say
        )
        self.outbox_panel.central_changed.connect(self._set_central)
        self.tabs.addTab(self.outbox_panel, "")
        self.rules_panel = QueueRulesPanel(language=language, runner=self.runner, on_message=self._say)
        self.tabs.addTab(self.rules_panel, "")
        from kiosk.ui.stations.reports_panel import add_reports_tab

        self.reports_panel = add_reports_tab(self)

        # This counter.
        self.counter_group = QGroupBox(root)
        self.current_number = QLabel(self.counter_group)
        self.current_number.setObjectName("currentNumber")
        self.current_number.setProperty("role", "current")
        self.current_details = QLabel(self.counter_group)
        self.current_details.setObjectName("currentDetails")
        self.current_details.setWordWrap(True)
        self.call_button = button("primary", "callNextButton", self.counter_group)
        self.recall_button = button("", "recallButton", self.counter_group)
        self.start_button = button("", "startButton", self.counter_group)
        self.served_button = button("primary", "servedButton", self.counter_group)
        self.no_show_button = button("", "noShowButton", self.counter_group)
        self.requeue_button = button("", "requeueButton", self.counter_group)
        self.transfer_label = QLabel(self.counter_group)
        self.transfer_box = QComboBox(self.counter_group)
        self.transfer_box.setObjectName("transferBox")
        self.transfer_button = button("", "transferButton", self.counter_group)
        actions = QGridLayout()
        actions.addWidget(self.call_button, 0, 0, 1, 2)
        actions.addWidget(self.recall_button, 1, 0)
        actions.addWidget(self.start_button, 1, 1)
        actions.addWidget(self.served_button, 2, 0)
        actions.addWidget(self.no_show_button, 2, 1)
        actions.addWidget(self.requeue_button, 3, 0, 1, 2)
        transfer_row = QHBoxLayout()
        transfer_row.addWidget(self.transfer_label)
        transfer_row.addWidget(self.transfer_box, 1)
        transfer_row.addWidget(self.transfer_button)
        group_layout = QVBoxLayout(self.counter_group)
        group_layout.addWidget(self.current_number)
        group_layout.addWidget(self.current_details)
        group_layout.addLayout(actions)
        group_layout.addLayout(transfer_row)
        # A quick question answered on the spot is counted as a visit without queueing.
        self.serve_now_label = QLabel(self.counter_group)
        self.serve_now_box = QComboBox(self.counter_group)
        self.serve_now_box.setObjectName("serveNowServiceBox")
        self.serve_now_button = button("", "serveNowButton", self.counter_group)
        serve_row = QHBoxLayout()
        serve_row.addWidget(self.serve_now_label)
        serve_row.addWidget(self.serve_now_box, 1)
        serve_row.addWidget(self.serve_now_button)
        group_layout.addLayout(serve_row)
        self.counter_state = QLabel(self.counter_group)
        self.counter_state.setObjectName("counterState")
        self.counter_state.setWordWrap(True)
        self.break_button = button("", "breakButton", self.counter_group)
        group_layout.addWidget(self.counter_state)
        group_layout.addWidget(self.break_button)

        # Walk-ins added by hand.
        self.walkin_group = QGroupBox(root)
        self.walkin_service = QComboBox(self.walkin_group)
        self.walkin_service.setObjectName("walkinServiceBox")
        self.walkin_name = QLineEdit(self.walkin_group)
        self.walkin_name.setObjectName("walkinNameField")
        self.walkin_name.setMaxLength(FIRST_NAME_MAX)
        self.walkin_button = button("", "addWalkinButton", self.walkin_group)
        self.walkin_appointment = QCheckBox(self.walkin_group)
        self.walkin_appointment.setObjectName("walkinAppointmentBox")
        self.walkin_accommodation = QCheckBox(self.walkin_group)
        self.walkin_accommodation.setObjectName("walkinAccommodationBox")
        # The visitor's language, as the kiosk records it: the display calls the ticket in it too.
        # Each language by its own name, which staff and visitor both recognise.
        self.walkin_language_label = QLabel(self.walkin_group)
        self.walkin_language = QComboBox(self.walkin_group)
        self.walkin_language.setObjectName("walkinLanguageBox")
        for lang in LANGUAGES:
            self.walkin_language.addItem(lang.endonym, lang.code)
        self.walkin_language_label.setBuddy(self.walkin_language)
        walkin_layout = QHBoxLayout()
        walkin_layout.addWidget(self.walkin_service, 3)
        walkin_layout.addWidget(self.walkin_name, 2)
        walkin_layout.addWidget(self.walkin_button, 1)
        walkin_options = QHBoxLayout()
        walkin_options.addWidget(self.walkin_language_label)
        walkin_options.addWidget(self.walkin_language)
        walkin_options.addSpacing(12)
        walkin_options.addWidget(self.walkin_appointment)
        walkin_options.addWidget(self.walkin_accommodation)
        walkin_options.addStretch(1)
        walkin_column = QVBoxLayout(self.walkin_group)
        walkin_column.addLayout(walkin_layout)
        walkin_column.addLayout(walkin_options)

        self.others_title = QLabel(root)
        self.others_title.setProperty("role", "heading")
        self.others = QListWidget(root)
        self.others.setObjectName("otherCounters")
        self.message = QLabel(root)
        self.message.setObjectName("consoleMessage")
        self.message.setWordWrap(True)
        self.message.setFrameShape(QFrame.Shape.NoFrame)

        right = QVBoxLayout()
        right.addWidget(self.counter_group)
        right.addWidget(self.walkin_group)
        right.addWidget(self.others_title)
        right.addWidget(self.others, 1)
        body = QHBoxLayout()
        body.addWidget(self.tabs, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(root)
        layout.addLayout(top)
        layout.addWidget(self.printers)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)

        self.call_button.clicked.connect(self.call_next)
        self.recall_button.clicked.connect(lambda: self._act_on_current(queue.recall))
        self.start_button.clicked.connect(lambda: self._act_on_current(queue.start_serving))
        self.served_button.clicked.connect(lambda: self._act_on_current(queue.finish))
        self.no_show_button.clicked.connect(lambda: self._act_on_current(queue.no_show))
        self.requeue_button.clicked.connect(lambda: self._act_on_current(queue.requeue))
        self.transfer_button.clicked.connect(self.transfer)
        self.walkin_button.clicked.connect(self.add_walkin)
        self.walkin_name.returnPressed.connect(self.add_walkin)
        self.serve_now_button.clicked.connect(self.serve_now)
        self.break_button.clicked.connect(self.toggle_break)

        self.poll_timer = QTimer(self, interval=poll_interval_ms)
        self.poll_timer.timeout.connect(self.poll)
        self.printer_timer = QTimer(self, interval=5000)
        self.printer_timer.timeout.connect(self.check_printers)
        self.clock_timer = QTimer(self, interval=1000)
        self.clock_timer.timeout.connect(self._refresh_elapsed)
        self.retranslate()
        self._render()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.poll_timer.stop()
        self.clock_timer.stop()
        self.printer_timer.stop()
        self.rooms_panel.stop()
        self.outbox_panel.stop()
        super().closeEvent(event)

    # -- data ---------------------------------------------------------------------------------
    def attach(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.poll_timer.start()
        self.clock_timer.start()
        # The counters of the settings become the counters table the first time any console starts;
        # the first picture of the queue waits for them, so it shows the counters.
        names = self.counters
        self._polling = True

        def seeded(_added: object) -> None:
            self.refresh()

        def not_seeded(exc: Exception) -> None:
            self._say_error(exc)
            self.refresh()

        self.runner.submit(lambda: counters.ensure_counters(ctx, names), seeded, not_seeded)
        self.rules_panel.attach(ctx)
        self.rooms_panel.attach(ctx)
        self.outbox_panel.attach(ctx)
        self.printer_timer.start()
        self.check_printers()

    def check_printers(self) -> None:
        if self.ctx is None:
            return
        from kiosk.services import stations

        ctx = self.ctx

        def shown(problems) -> None:
            self.printer_problems = problems
            self._render_printers()

        self.runner.submit(lambda: stations.printer_problems(ctx), shown, lambda _exc: None)

    def _render_printers(self) -> None:
        problems = self.printer_problems
        if self.ctx is None:
            return
        with use_language(self.language):
            lines = [
                _(
                    "The printer at {station} is not working (since {time}): {reason}",
                    station=p.station,
                    time=format_time(p.since, self.ctx.timezone),
                    reason=p.message,
                )
                for p in problems
            ]
        self.printers.setText("\n".join(lines))
        self.printers.setVisible(bool(lines))

    @property
    def counter(self) -> str:
        return self.counter_box.currentData() or self.counters[0]

    def _marker(self, ctx: ServiceContext) -> int:
        return queue.change_marker(ctx)

    def _load(self, ctx: ServiceContext) -> QueueSnapshot:
        return queue.snapshot(ctx)

    def _apply(self, snap: QueueSnapshot) -> None:
        self.snapshot = snap
        self.version = snap.version
        self._fill_counter_box(snap)
        self._render()
        self.rules_panel.show_snapshot(snap)
        self._refresh_accuracy()

    # -- actions ------------------------------------------------------------------------------
    def _run(self, fn: Callable[[], object], done_message: Callable[[object], str]) -> None:
        if self.ctx is None or self._acting:
            return
        self._acting = True
        self._update_buttons()

        def done(result: object) -> None:
            self._acting = False
            self._say(done_message(result), ok=True)
            self.refresh()

        def failed(exc: Exception) -> None:
            self._acting = False
            with use_language(self.language):
                self._say(user_message(exc), ok=False)
            self.refresh()

        self.runner.submit(fn, done, failed)

    def call_next(self) -> None:
        ctx, counter = self.ctx, self.counter
        self._run(
            lambda: queue.call_next(ctx, counter),
            lambda t: self._text(
                lambda: _("Called {number} to counter {counter}.", number=t.number, counter=counter)
            ),
        )

    def _current(self):
        if self.snapshot is None:
            return None
        mine = [t for t in self.snapshot.at_counters if t.counter == self.counter]
        return mine[0] if mine else None

    def _act_on_current(self, action) -> None:
        ticket = self._current()
        if ticket is None:
            return
        ctx = self.ctx
        self._run(
            lambda: action(ctx, ticket.id),
            lambda t: self._text(
                lambda: _("Ticket {number}: {status}.", number=t.number, status=_(t.status.label))
            ),
        )

    def transfer(self) -> None:
        ticket = self._current()
        code = self.transfer_box.currentData()
        if ticket is None or not code:
            return
        ctx = self.ctx
        self._run(
            lambda: queue.transfer(ctx, ticket.id, code),
            lambda t: self._text(
                lambda: _(
                    "Ticket {number} transferred to {service}.",
                    number=t.number,
                    service=self._service_name(t.service_code),
                )
            ),
        )

    def add_walkin(self) -> None:
        code = self.walkin_service.currentData()
        if not code:
            return
        ctx, name = self.ctx, self.walkin_name.text()
        appointment, accommodation = (
            self.walkin_appointment.isChecked(),
            self.walkin_accommodation.isChecked(),
        )
        language = self.walkin_language.currentData() or LANGUAGES[0].code
        self._run(
            lambda: checkin.check_in(
                ctx,
                code,
                name,
                language=language,
                channel="appointment" if appointment else "desk",
                accommodation=accommodation,
            ),
            lambda r: self._walkin_added(r),
        )

    def _walkin_added(self, result) -> str:
        self.walkin_name.clear()
        self.walkin_appointment.setChecked(False)
        self.walkin_accommodation.setChecked(False)
        # One visitor's language, not the next one's.
        self.walkin_language.setCurrentIndex(0)
        return self._text(lambda: _("Walk-in added: ticket {number}.", number=result.ticket.number))

    # -- this counter: breaks, quick questions; the counters and rules -------------------------------
    def set_admin(self, admin: bool) -> None:
        """Whether the signed-in person may change the priority rules and what counters serve, and
        see the reports (program figures are for administrators)."""
        self.rules_panel.set_admin(admin)
        self.tabs.setTabVisible(self.tabs.indexOf(self.reports_panel), admin)

    def serve_now(self) -> None:
        code = self.serve_now_box.currentData()
        if not code:
            return
        ctx, counter = self.ctx, self.counter
        self._run(
            lambda: queue.serve_now(ctx, counter, code),
            lambda t: self._text(lambda: _("Serving {number} at the desk now.", number=t.number)),
        )

    def toggle_break(self) -> None:
        ctx, counter = self.ctx, self.counter
        if self._my_counter_on_break():
            self._run(
                lambda: counters.end_break(ctx, counter),
                lambda _c: self._text(lambda: _("Counter {name} is open again.", name=counter)),
            )
        else:
            self._run(
                lambda: counters.start_break(ctx, counter),
                lambda _c: self._text(lambda: _("Counter {name} is on a break.", name=counter)),
            )

    def _my_counter(self):
        if self.snapshot is None:
            return None
        return next((c for c in self.snapshot.counters if c.name == self.counter), None)

    def _my_counter_on_break(self) -> bool:
        counter = self._my_counter()
        return counter is not None and counter.on_break

    def _fill_counter_box(self, snap: QueueSnapshot) -> None:
        """The counters table, once it has rows, decides which counters can be chosen."""
        names = tuple(c.name for c in snap.counters if c.active)
        if not names or names == self.counters:
            return
        chosen = self.counter
        self.counters = names
        with use_language(self.language):
            self.counter_box.blockSignals(True)
            self.counter_box.clear()
            for name in names:
                self.counter_box.addItem(_("Counter {name}", name=name), name)
            index = self.counter_box.findData(chosen)
            self.counter_box.setCurrentIndex(max(0, index))
            self.counter_box.blockSignals(False)

    def _render_counter_state(self) -> None:
        counter = self._my_counter()
        zone = self.ctx.timezone if self.ctx else None
        on_break = counter is not None and counter.on_break
        parts = []
        if on_break and zone is not None:
            parts.append(_("On a break since {time}", time=format_time(counter.break_since, zone)))
        if counter is not None and counter.services:
            names = ", ".join(self._service_name(code) for code in counter.services)
            parts.append(_("This counter serves: {services}", services=names))
        self.counter_state.setText(" · ".join(parts))
        self.counter_state.setVisible(bool(parts))
        if on_break:
            set_text(self.break_button, _("End break"), _("Open this counter again and call visitors"))
        else:
            set_text(self.break_button, _("Start break"), _("Stop calling visitors to this counter for now"))

    def _refresh_accuracy(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        self.runner.submit(lambda: estimates.accuracy_today(ctx), self._show_accuracy, lambda _exc: None)

    def _show_accuracy(self, accuracy) -> None:
        from babel.numbers import format_percent

        from kiosk.i18n.formatting import babel_locale, format_number

        def minutes(value) -> str:
            return format_number(round(abs(value.total_seconds()) / 60, 1))

        with use_language(self.language):
            if accuracy.count == 0:
                text = _("Wait estimates today: nobody called yet.")
            else:
                called = ngettext("{n} visitor called", "{n} visitors called", accuracy.count)
                within = format_percent(accuracy.share_within_5_minutes, locale=babel_locale())
                values = {
                    "called": called,
                    "median": minutes(accuracy.median_absolute_error),
                    "p90": minutes(accuracy.p90_absolute_error),
                    "within": within,
                    "bias": minutes(accuracy.mean_error),
                }
                if accuracy.mean_error.total_seconds() >= 0:
                    text = _(
                        "Wait estimates today ({called}): median error {median} min, 90% within {p90} min,"
                        " {within} within 5 min; visitors waited {bias} min longer than told on average.",
                        **values,
                    )
                else:
                    text = _(
                        "Wait estimates today ({called}): median error {median} min, 90% within {p90} min,"
                        " {within} within 5 min; visitors waited {bias} min less than told on average.",
                        **values,
                    )
        self.accuracy_label.setText(text)

    def _say_error(self, exc: Exception) -> None:
        with use_language(self.language):
            self._say(user_message(exc), ok=False)

    # -- presentation ---------------------------------------------------------------------------
    def _text(self, make: Callable[[], str]) -> str:
        """Make a message in the console's own language (not the kiosk visitor's)."""
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
        with use_language(self.language):
            self.connection.setText(_("Live") if online else _("Database unreachable: retrying"))
        self.connection.setProperty("role", "ok" if online else "error")
        self.connection.style().unpolish(self.connection)
        self.connection.style().polish(self.connection)

    def _set_central(self, text: str, role: str) -> None:
        self.central.setText(text)
        self.central.setProperty("role", role)
        self.central.style().unpolish(self.central)
        self.central.style().polish(self.central)

    def _language_changed(self, _index: int) -> None:
        self.language = self.language_box.currentData()
        online, self.online = self.online, None
        self.retranslate()
        if online is not None:
            self._set_online(online)
        self.rooms_panel.set_language(self.language)
        self.rules_panel.set_language(self.language)
        self._render_printers()
        self.outbox_panel.set_language(self.language)
        self._render()

    def _service_name(self, code: str) -> str:
        if self.snapshot and code in self.snapshot.services:
            return self.snapshot.services[code].name(self.language)
        return code

    def retranslate(self) -> None:
        with use_language(self.language):
            self.setWindowTitle(_("Reception console"))
            self.title.setText(_("Reception console"))
            self.counter_label.setText(_("My counter:"))
            self.counter_box.setAccessibleName(_("My counter:"))
            selected = self.counter_box.currentIndex()
            self.counter_box.blockSignals(True)
            self.counter_box.clear()
            for name in self.counters:
                self.counter_box.addItem(_("Counter {name}", name=name), name)
            self.counter_box.setCurrentIndex(max(0, selected))
            self.counter_box.blockSignals(False)
            self.language_label.setText(_("Language:"))
            self.language_box.setAccessibleName(_("Language:"))
            self.table.setHorizontalHeaderLabels(
                [_("Place"), _("Ticket"), _("Service"), _("Name"), _("Waiting for"), _("Estimated wait")]
            )
            self.counter_group.setTitle(_("At my counter"))
            set_text(self.call_button, _("Call next"))
            set_text(self.recall_button, _("Recall"), _("Call the same ticket again"))
            set_text(self.start_button, _("Visitor arrived"))
            set_text(self.served_button, _("Served"))
            set_text(self.no_show_button, _("No-show"))
            set_text(self.requeue_button, _("Return to queue"), _("Put the ticket back in its place in line"))
            self.transfer_label.setText(_("Transfer to:"))
            self.transfer_box.setAccessibleName(_("Transfer to:"))
            set_text(self.transfer_button, _("Transfer"))
            self.walkin_group.setTitle(_("Add a walk-in"))
            self.walkin_service.setAccessibleName(_("Service"))
            self.walkin_name.setPlaceholderText(_("First name (optional)"))
            self.walkin_name.setAccessibleName(_("First name (optional)"))
            set_text(self.walkin_button, _("Add to queue"))
            self.others_title.setText(_("At other counters"))
            self.tabs.setTabText(0, _("Queue"))
            self.tabs.setTabText(1, _("Rooms"))
            self.tabs.setTabText(2, _("Requests"))
            self.tabs.setTabText(self.tabs.indexOf(self.rules_panel), _("Rules and counters"))
            self.serve_now_label.setText(_("Quick question:"))
            self.serve_now_box.setAccessibleName(_("Quick question:"))
            set_text(
                self.serve_now_button,
                _("Serve at the desk now"),
                _("Count a visitor served at once at this counter, without a place in line"),
            )
            self.walkin_appointment.setText(_("Has an appointment"))
            self.walkin_accommodation.setText(_("Needs an accommodation"))
            self.walkin_language_label.setText(_("Visitor's language:"))
            self.walkin_language.setAccessibleName(_("Visitor's language:"))
            self.walkin_language.setAccessibleDescription(
                _("The display calls the ticket in this language too, after English.")
            )

    def _render(self) -> None:
        with use_language(self.language):
            self._render_services()
            self._render_table()
            self._render_current()
            self._render_counter_state()
            self._update_buttons()

    def _render_services(self) -> None:
        if self.snapshot is None:
            return
        services = sorted(
            (s for s in self.snapshot.services.values() if s.active), key=lambda s: (s.sort_order, s.code)
        )
        for box in (self.transfer_box, self.walkin_service, self.serve_now_box):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            for service in services:
                box.addItem(service.name(self.language), service.code)
            index = box.findData(chosen)
            box.setCurrentIndex(index if index >= 0 else 0)
            box.blockSignals(False)

    def _render_table(self) -> None:
        snap = self.snapshot
        entries = snap.waiting if snap else []
        self.waiting_title.setText(
            _("Waiting: {count}", count=len(entries))
            + ("   ·   " + _("Served today: {count}", count=snap.served_today) if snap else "")
        )
        self.table.setRowCount(len(entries))
        now = datetime.now(UTC)
        for row, entry in enumerate(entries):
            ticket = entry.ticket
            values = [
                str(entry.position),
                ticket.number,
                self._service_name(ticket.service_code),
                ticket.first_name or "",
                format_elapsed(now - ticket.queued_at),
                format_wait(entry.estimated_wait),
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, ticket.id)
                self.table.setItem(row, column, item)

    def _refresh_elapsed(self) -> None:
        if not self.snapshot:
            return
        now = datetime.now(UTC)
        for row, entry in enumerate(self.snapshot.waiting):
            item = self.table.item(row, 4)
            if item is not None:
                item.setText(format_elapsed(now - entry.ticket.queued_at))

    def _render_current(self) -> None:
        ticket = self._current()
        zone = self.ctx.timezone if self.ctx else None
        if ticket is None:
            self.current_number.setText("—")
            self.current_number.setAccessibleName(_("No ticket at this counter"))
            self.current_details.setText(_("No ticket at this counter. Press “Call next”."))
        else:
            self.current_number.setText(ticket.number)
            self.current_number.setAccessibleName(_("Ticket number {number}", number=ticket.number))
            parts = [self._service_name(ticket.service_code)]
            if ticket.first_name:
                parts.append(ticket.first_name)
            parts.append(_(ticket.status.label))
            if ticket.called_at and zone:
                parts.append(_("called at {time}", time=format_time(ticket.called_at, zone)))
            if ticket.recall_count:
                parts.append(ngettext("recalled {n} time", "recalled {n} times", ticket.recall_count))
            self.current_details.setText(" · ".join(parts))
        self.others.clear()
        if self.snapshot:
            for other in self.snapshot.at_counters:
                if other.counter != self.counter:
                    self.others.addItem(
                        _("Counter {name}", name=other.counter)
                        + f":  {other.number}  ·  "
                        + self._service_name(other.service_code)
                        + "  ·  "
                        + _(other.status.label)
                    )

    def _update_buttons(self) -> None:
        ready = self.ctx is not None and not self._acting
        ticket = self._current()
        status = ticket.status if ticket else None
        on_break = self._my_counter_on_break()
        self.call_button.setEnabled(ready and ticket is None and not on_break)
        self.recall_button.setEnabled(ready and status == TicketStatus.CALLED)
        self.start_button.setEnabled(ready and status == TicketStatus.CALLED)
        self.served_button.setEnabled(ready and status in (TicketStatus.CALLED, TicketStatus.SERVING))
        self.no_show_button.setEnabled(ready and status == TicketStatus.CALLED)
        self.requeue_button.setEnabled(ready and ticket is not None)
        self.transfer_button.setEnabled(ready and ticket is not None and self.transfer_box.count() > 0)
        self.walkin_button.setEnabled(ready and self.walkin_service.count() > 0)
        self.serve_now_button.setEnabled(
            ready and ticket is None and not on_break and self.serve_now_box.count() > 0
        )
        self.break_button.setEnabled(ready and (on_break or ticket is None))
