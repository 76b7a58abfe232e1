"""Design tokens and the Qt style sheet made from them.

Sizes are in em of the base text size, so large print scales every text, padding and touch target
together. Colour pairs are chosen for contrast: at least 4.5:1 in the standard palette and 7:1 in high
contrast (tests/unit/test_theme.py computes every pair the style sheet uses).
"""

from __future__ import annotations

from dataclasses import dataclass

BASE_PX = 26  # standard body text at a kiosk viewing distance, 1080p screen
LARGE_PRINT_FACTOR = 2.0
MIN_TOUCH_PX = 60


@dataclass(frozen=True)
class Palette:
    background: str = "#F6F5F0"
    surface: str = "#FFFFFF"
    text: str = "#1B1B1B"
    muted: str = "#4A4A4A"
    primary: str = "#0B4F8A"
    primary_text: str = "#FFFFFF"
    primary_pressed: str = "#083A66"
    secondary: str = "#E3E7EC"
    secondary_text: str = "#1B1B1B"
    border: str = "#6B6B6B"
    focus: str = "#FFBF47"
    danger: str = "#A4262C"
    success: str = "#1E6B34"
    overlay: str = "rgba(0, 0, 0, 150)"


STANDARD = Palette()

# At least 7:1 for every text pair (WCAG 1.4.6): white and yellow on black.
HIGH_CONTRAST = Palette(
    background="#000000",
    surface="#000000",
    text="#FFFFFF",
    muted="#FFFFFF",
    primary="#FFE14D",
    primary_text="#000000",
    primary_pressed="#FFFFFF",
    secondary="#000000",
    secondary_text="#FFFFFF",
    border="#FFFFFF",
    focus="#00E5FF",
    danger="#FF9E9E",
    success="#7CFC9A",
    overlay="rgba(0, 0, 0, 220)",
)


@dataclass(frozen=True)
class Theme:
    large_print: bool = False
    high_contrast: bool = False

    @property
    def palette(self) -> Palette:
        return HIGH_CONTRAST if self.high_contrast else STANDARD

    @property
    def base_px(self) -> int:
        return round(BASE_PX * (LARGE_PRINT_FACTOR if self.large_print else 1.0))

    def px(self, em: float) -> int:
        return round(self.base_px * em)

    @property
    def touch_px(self) -> int:
        return max(MIN_TOUCH_PX, self.px(2.6))

    def stylesheet(self) -> str:
        p = self.palette
        r = "QWidget#kioskRoot"  # scoped: in `kiosk demo` a staff window shares the application
        focus = max(4, self.px(0.18))
        return f"""
        {r}, {r} QStackedWidget, {r} QScrollArea, {r} QWidget#screenBody {{
            background: {p.background};
        }}
        {r} QLabel {{ color: {p.text}; font-size: {self.px(1)}px; }}
        {r} QLabel[role="title"] {{ font-size: {self.px(1.6)}px; font-weight: 700; }}
        {r} QLabel[role="subtitle"] {{ font-size: {self.px(1.1)}px; color: {p.muted}; }}
        {r} QLabel[role="muted"] {{ color: {p.muted}; }}
        {r} QLabel[role="error"] {{ color: {p.danger}; font-weight: 700; }}
        {r} QLabel[role="ticketNumber"] {{ font-size: {self.px(3 if self.large_print else 4.5)}px; font-weight: 700; color: {p.primary}; }}
        {r} QLabel[role="ticketService"] {{ font-size: {self.px(1.35)}px; font-weight: 700; }}
        {r} QLabel[role="ticketInfo"] {{ font-size: {self.px(1.3)}px; }}
        {r} QLabel[role="building"] {{ font-size: {self.px(0.9)}px; color: {p.muted}; font-weight: 600; }}
        {r} QPushButton {{
            font-size: {self.px(1.05)}px; min-height: {self.touch_px}px; min-width: {self.touch_px}px;
            padding: {self.px(0.3)}px {self.px(0.9)}px; border-radius: {self.px(0.35)}px;
            background: {p.secondary}; color: {p.secondary_text}; border: 2px solid {p.border};
        }}
        {r} QPushButton:pressed {{ background: {p.border}; color: {p.surface}; }}
        {r} QPushButton[role="primary"], {r} QPushButton[role="choice"] {{
            background: {p.primary}; color: {p.primary_text}; border: 2px solid {p.primary}; font-weight: 600;
        }}
        {r} QPushButton[role="primary"]:pressed, {r} QPushButton[role="choice"]:pressed {{
            background: {p.primary_pressed};
        }}
        {r} QPushButton[role="choice"] {{ min-height: {round(self.touch_px * 1.5)}px; }}
        {r} QPushButton[role="choice"] QLabel {{ color: {p.primary_text}; background: transparent; }}
        {r} QPushButton[role="choice"] QLabel#choiceTitle {{ font-size: {self.px(1.25)}px; font-weight: 700; }}
        {r} QPushButton[role="choice"] QLabel#choiceDetail {{ font-size: {self.px(0.9)}px; font-weight: 400; }}
        {r} QPushButton[role="switch"] {{
            font-size: {self.px(0.8 if self.large_print else 1.0)}px; padding: {self.px(0.2)}px {self.px(0.5)}px;
        }}
        {r} QPushButton[role="key"] {{
            font-size: {self.px(1.25)}px; padding: 0; min-width: {self.touch_px}px; background: {p.surface};
        }}
        {r} QLabel[role="composition"] {{
            font-size: {self.px(1.25)}px; color: {p.text}; border-bottom: 3px solid {p.focus};
            padding: 0 {self.px(0.3)}px; min-height: {self.px(1.8)}px;
        }}
        {r} QPushButton:checked {{ background: {p.text}; color: {p.surface}; border-color: {p.text}; }}
        {r} QPushButton:disabled {{ color: {p.muted}; background: {p.background}; border-style: dashed; }}
        {r} QPushButton:focus {{ border: {focus}px solid {p.focus}; }}
        {r} QLineEdit {{
            font-size: {self.px(1.3)}px; min-height: {self.touch_px}px; padding: 0 {self.px(0.5)}px;
            border: 3px solid {p.border}; border-radius: {self.px(0.3)}px; background: {p.surface}; color: {p.text};
        }}
        {r} QLineEdit:focus {{ border: {focus}px solid {p.focus}; }}
        {r} QFrame[role="card"] {{
            background: {p.surface}; border: 2px solid {p.border}; border-radius: {self.px(0.5)}px;
        }}
        {r} QFrame[role="card"] QLabel {{ border: none; background: transparent; }}
        {r} QWidget#idleOverlay {{ background: {p.overlay}; }}
        {r} QScrollBar:vertical {{ width: {self.px(0.9)}px; }}
        """


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two #RRGGBB colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
