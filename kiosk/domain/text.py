"""Marks messages for extraction without translating them here.

The domain must not depend on the i18n layer, so it only marks its messages; whoever shows a
message to a person translates it with ``kiosk.i18n._`` at that moment, in that person's language.
"""


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    return message


def clean_text(raw: str | None, keep_newlines: bool = False) -> str:
    """What a visitor typed, safe to store, show and send: NFC, no control or format characters
    (NUL, bidi overrides), whitespace runs made single; line breaks kept where asked (descriptions)."""
    import unicodedata

    if not raw:
        return ""
    text = unicodedata.normalize("NFC", raw)
    lines = text.split("\n") if keep_newlines else [text]
    cleaned = []
    for line in lines:
        # A tab or other spacing control separates words ("Acme\tLLC"); other controls are dropped.
        line = "".join(
            " " if ch.isspace() else ch for ch in line if ch.isspace() or unicodedata.category(ch)[0] != "C"
        )
        cleaned.append(" ".join(line.split()))
    return "\n".join(cleaned).strip()
