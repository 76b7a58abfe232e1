import pytest

from kiosk.ui.theme import MIN_TOUCH_PX, STANDARD, Theme, contrast_ratio


@pytest.mark.parametrize(
    ("foreground", "background"),
    [
        (STANDARD.text, STANDARD.background),
        (STANDARD.text, STANDARD.surface),
        (STANDARD.muted, STANDARD.background),
        (STANDARD.primary_text, STANDARD.primary),
        (STANDARD.primary, STANDARD.surface),
        (STANDARD.secondary_text, STANDARD.secondary),
        (STANDARD.danger, STANDARD.background),
        (STANDARD.surface, STANDARD.text),
    ],
)
def test_text_colours_meet_wcag_aa(foreground, background):
    assert contrast_ratio(foreground, background) >= 4.5


def test_contrast_ratio_matches_known_values():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_large_print_doubles_text_and_targets():
    standard, large = Theme(), Theme(large_print=True)
    assert large.base_px == 2 * standard.base_px
    assert standard.touch_px >= MIN_TOUCH_PX and large.touch_px >= 2 * MIN_TOUCH_PX
    assert f"font-size: {large.px(1)}px" in large.stylesheet()


PAIRS = [
    ("text", "background"),
    ("text", "surface"),
    ("muted", "background"),
    ("primary_text", "primary"),
    ("secondary_text", "secondary"),
    ("danger", "background"),
    ("surface", "text"),
    ("primary", "surface"),
]


@pytest.mark.parametrize(("foreground", "background"), PAIRS)
def test_high_contrast_reaches_seven_to_one(foreground, background):
    from kiosk.ui.theme import HIGH_CONTRAST

    assert contrast_ratio(getattr(HIGH_CONTRAST, foreground), getattr(HIGH_CONTRAST, background)) >= 7.0


def test_the_theme_picks_its_palette():
    from kiosk.ui.theme import HIGH_CONTRAST

    assert Theme(high_contrast=True).palette is HIGH_CONTRAST
    assert HIGH_CONTRAST.background in Theme(high_contrast=True).stylesheet()
