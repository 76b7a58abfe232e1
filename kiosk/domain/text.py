"""Marks messages for extraction without translating them here.

The domain must not depend on the i18n layer, so it only marks its messages; whoever shows a
message to a person translates it with ``kiosk.i18n._`` at that moment, in that person's language.
"""


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    return message
