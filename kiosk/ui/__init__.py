"""Qt widgets, screens and stations. Talks to services and i18n only."""

from kiosk.ui.pyside_import_hook import quiet as _quiet_pyside_import_hook

# First thing, before the stations' own imports: see the module.
_quiet_pyside_import_hook()
