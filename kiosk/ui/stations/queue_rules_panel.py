"""Reception's "Rules and counters" tab: the priority rules, the services each counter serves, and
which counters are open or on a break.

Changing the rules and a counter's services is an administrator's decision: those widgets sit in one
group that ``set_admin`` enables or disables. The overview of the counters is for everyone.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.queue import RULE_DESCRIPTIONS, RULE_LABELS, RULE_NAMES, Counter
from kiosk.i18n import _, use_language
from kiosk.i18n.formatting import format_time
from kiosk.services import counters
from kiosk.services.context import ServiceContext
from kiosk.services.queue import QueueSnapshot
from kiosk.ui.tasks import TaskRunner, user_message
from kiosk.ui.widgets.buttons import button, set_text


class QueueRulesPanel(QWidget):
    def __init__(
        self,
        *,
        language: str = "en",
        runner: TaskRunner | None = None,
        on_message: Callable[[str, bool], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("queueRulesPanel")
        self.language = language
        self.runner = runner or TaskRunner(self)
        self.on_message = on_message or (lambda _text, _ok: None)
        self.ctx: ServiceContext | None = None
        self.snapshot: QueueSnapshot | None = None
        self.admin = True
        self._busy = False
        # Ticks changed by hand and not saved yet: a refresh from another station must not undo them.
        self._edited = False

        self.overview_title = QLabel(self)
        self.overview_title.setProperty("role", "heading")
        self.counters_table = QTableWidget(0, 3, self)
        self.counters_table.setObjectName("countersTable")
        self.counters_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counters_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.counters_table.verticalHeader().setVisible(False)
        self.counters_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.counters_table.horizontalHeader().setStretchLastSection(True)

        # Everything an administrator may change, in one group.
        self.admin_group = QWidget(self)
        self.admin_group.setObjectName("queueAdminGroup")
        self.rules_group = QGroupBox(self.admin_group)
        self.rule_boxes: dict[str, QCheckBox] = {}
        self.rule_notes: dict[str, QLabel] = {}
        rules_layout = QVBoxLayout(self.rules_group)
        for rule in RULE_NAMES:
            box = QCheckBox(self.rules_group)
            box.setObjectName(f"rule_{rule}")
            box.toggled.connect(lambda on, rule=rule: self._rule_toggled(rule, on))
            note = QLabel(self.rules_group)
            note.setWordWrap(True)
            note.setIndent(28)
            self.rule_boxes[rule], self.rule_notes[rule] = box, note
            rules_layout.addWidget(box)
            rules_layout.addWidget(note)

        self.services_group = QGroupBox(self.admin_group)
        self.counter_label = QLabel(self.services_group)
        self.counter_pick = QComboBox(self.services_group)
        self.counter_pick.setObjectName("servicesCounterBox")
        self.counter_pick.currentIndexChanged.connect(lambda _i: self._fill_services(force=True))
        self.services_list = QListWidget(self.services_group)
        self.services_list.setObjectName("counterServicesList")
        self.services_list.itemChanged.connect(self._services_edited)
        self.services_note = QLabel(self.services_group)
        self.services_note.setWordWrap(True)
        self.save_services_button = button("primary", "saveCounterServicesButton", self.services_group)
        self.save_services_button.clicked.connect(self.save_services)
        pick_row = QHBoxLayout()
        pick_row.addWidget(self.counter_label)
        pick_row.addWidget(self.counter_pick, 1)
        services_layout = QVBoxLayout(self.services_group)
        services_layout.addLayout(pick_row)
        services_layout.addWidget(self.services_list, 1)
        services_layout.addWidget(self.services_note)
        services_layout.addWidget(self.save_services_button)

        admin_layout = QHBoxLayout(self.admin_group)
        admin_layout.setContentsMargins(0, 0, 0, 0)
        admin_layout.addWidget(self.rules_group, 1)
        admin_layout.addWidget(self.services_group, 1)
        self.admin_note = QLabel(self)
        self.admin_note.setObjectName("queueAdminNote")
        self.admin_note.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.overview_title)
        layout.addWidget(self.counters_table, 1)
        layout.addWidget(self.admin_note)
        layout.addWidget(self.admin_group, 2)
        self.retranslate()
        self.set_admin(True)

    # -- wiring -------------------------------------------------------------------------------
    def attach(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._update_buttons()

    def set_admin(self, admin: bool) -> None:
        """Only an administrator changes the rules and what counters serve; everyone sees them."""
        self.admin = admin
        self.admin_group.setEnabled(admin)
        self.admin_note.setVisible(not admin)
        self._update_buttons()

    def set_language(self, language: str) -> None:
        self.language = language
        self.retranslate()
        self.show_snapshot(self.snapshot)

    def show_snapshot(self, snap: QueueSnapshot | None) -> None:
        self.snapshot = snap
        if snap is None:
            return
        with use_language(self.language):
            for rule, box in self.rule_boxes.items():
                box.blockSignals(True)
                box.setChecked(getattr(snap.rules, rule))
                box.blockSignals(False)
            self._fill_counters(snap.counters)
            self._fill_services(force=False)
        self._update_buttons()

    # -- actions ------------------------------------------------------------------------------
    def _submit(self, fn: Callable[[], object], done_text: Callable[[object], str]) -> None:
        if self.ctx is None or self._busy:
            return
        self._busy = True
        self._update_buttons()

        def done(result: object) -> None:
            self._busy = False
            with use_language(self.language):
                self.on_message(done_text(result), True)
            self._update_buttons()

        def failed(exc: Exception) -> None:
            self._busy = False
            with use_language(self.language):
                self.on_message(user_message(exc), False)
            # Show the rules as they are, not as the refused click left them.
            self.show_snapshot(self.snapshot)

        self.runner.submit(fn, done, failed)

    def _rule_toggled(self, rule: str, on: bool) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        self._submit(
            lambda: counters.set_rule(ctx, rule, on),
            lambda _r: (
                _("“{rule}” is on.", rule=_(RULE_LABELS[rule]))
                if on
                else _("“{rule}” is off.", rule=_(RULE_LABELS[rule]))
            ),
        )

    def save_services(self) -> None:
        ctx, name = self.ctx, self.counter_pick.currentData()
        if ctx is None or not name:
            return
        chosen = [
            self.services_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.services_list.count())
            if self.services_list.item(i).checkState() == Qt.CheckState.Checked
        ]

        def saved(_result: object) -> str:
            self._edited = False
            return _("Counter {name} now serves: {services}", name=name, services=self._services_text(chosen))

        self._submit(lambda: counters.set_services(ctx, name, chosen), saved)

    def _services_edited(self, _item: QListWidgetItem) -> None:
        self._edited = True
        self._update_buttons()

    # -- presentation ---------------------------------------------------------------------------
    def retranslate(self) -> None:
        with use_language(self.language):
            self.overview_title.setText(_("Counters"))
            self.counters_table.setHorizontalHeaderLabels([_("Counter"), _("Serves"), _("Now")])
            self.rules_group.setTitle(_("Priority rules"))
            for rule in RULE_NAMES:
                self.rule_boxes[rule].setText(_(RULE_LABELS[rule]))
                self.rule_boxes[rule].setAccessibleName(_(RULE_LABELS[rule]))
                self.rule_boxes[rule].setAccessibleDescription(_(RULE_DESCRIPTIONS[rule]))
                self.rule_notes[rule].setText(_(RULE_DESCRIPTIONS[rule]))
            self.services_group.setTitle(_("Services a counter serves"))
            self.counter_label.setText(_("Counter:"))
            self.counter_pick.setAccessibleName(_("Counter:"))
            self.services_list.setAccessibleName(_("Services a counter serves"))
            self.services_note.setText(_("With none ticked, the counter serves every service."))
            set_text(self.save_services_button, _("Save services"))
            self.admin_note.setText(
                _("Only an administrator can change the rules and the services of a counter.")
            )

    def _service_name(self, code: str) -> str:
        if self.snapshot and code in self.snapshot.services:
            return self.snapshot.services[code].name(self.language)
        return code

    def _services_text(self, codes) -> str:
        return ", ".join(self._service_name(c) for c in codes) if codes else _("every service")

    def _fill_counters(self, rows: list[Counter]) -> None:
        zone = self.ctx.timezone if self.ctx else None
        self.counters_table.setRowCount(len(rows))
        for row, counter in enumerate(rows):
            if not counter.active:
                state = _("Closed")
            elif counter.break_since is not None and zone is not None:
                state = _("On a break since {time}", time=format_time(counter.break_since, zone))
            else:
                state = _("Open")
            values = [_("Counter {name}", name=counter.name), self._services_text(counter.services), state]
            for column, value in enumerate(values):
                self.counters_table.setItem(row, column, QTableWidgetItem(value))
        names = [c.name for c in rows]
        current = [self.counter_pick.itemData(i) for i in range(self.counter_pick.count())]
        if names != current or self.counter_pick.count() == 0:
            chosen = self.counter_pick.currentData()
            self.counter_pick.blockSignals(True)
            self.counter_pick.clear()
            for name in names:
                self.counter_pick.addItem(_("Counter {name}", name=name), name)
            index = self.counter_pick.findData(chosen)
            self.counter_pick.setCurrentIndex(index if index >= 0 else 0)
            self.counter_pick.blockSignals(False)
        else:
            for i, name in enumerate(names):
                self.counter_pick.setItemText(i, _("Counter {name}", name=name))

    def _fill_services(self, force: bool) -> None:
        if self.snapshot is None or (self._edited and not force):
            return
        name = self.counter_pick.currentData()
        counter = next((c for c in self.snapshot.counters if c.name == name), None)
        served = set(counter.services) if counter else set()
        services = sorted(self.snapshot.services.values(), key=lambda s: (s.sort_order, s.code))
        self.services_list.blockSignals(True)
        self.services_list.clear()
        for service in services:
            if not service.active and service.code not in served:
                continue
            item = QListWidgetItem(service.name(self.language))
            item.setData(Qt.ItemDataRole.UserRole, service.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if service.code in served else Qt.CheckState.Unchecked)
            self.services_list.addItem(item)
        self.services_list.blockSignals(False)
        self._edited = False

    def _update_buttons(self) -> None:
        ready = self.ctx is not None and not self._busy
        for box in self.rule_boxes.values():
            box.setEnabled(ready)
        self.save_services_button.setEnabled(ready and self.counter_pick.count() > 0)
