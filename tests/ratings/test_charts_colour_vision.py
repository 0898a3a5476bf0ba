"""Every chart's series can be told apart without full colour vision: their colours stay
apart under simulated colour blindness, each series has its own fill pattern (for
greyscale, and for the rating colours, which are the tags'), and bars stand out from the
white page.

How far apart is far enough: CIEDE2000 (ΔE00), the CIE's colour difference, in which
about 1 is the smallest difference seen between two large patches side by side. A bar is
matched to a small legend swatch away from it, not seen beside it, so the charts ask for
MIN_DISTANCE = 10, ten times that (the bound palette checkers such as Colorally use with
the same simulation). Okabe and Ito's palette, made for colour-blind readers, clears it
at worst by 0.9 (orange and reddish purple under tritanopia); the GOV.UK colours the
tracker used fell to 3.6 (its "not started" and "in progress" under protanopia), and the
theme chart's green and grey to 3.1 in greyscale.

Colour blindness is simulated by Machado, Oliveira and Fernandes (2009) at full severity
(protanopia, deuteranopia, tritanopia) and by Viénot, Brettel and Mollon (1999) (protanopia,
deuteranopia), each a matrix on linear sRGB; greyscale is the relative luminance.
"""

import itertools
import math
from collections import Counter
from datetime import date

import pytest

from inspections.explorer.themes import KIND_COLOURS, CountRow, theme_chart
from ratings import charts
from ratings.models import Rating
from recommendations.charts import STATUS_ORDER, status_over_time_chart
from tests.ratings.test_charts import plot_args

MIN_DISTANCE = 10  # ΔE00; see the module's docstring
MIN_GRAPHIC_CONTRAST = 3  # WCAG 1.4.11, against the white page

# Rows are the output's linear R, G, B from the input's.
SIMULATIONS = {
    "protanopia (Machado)": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia (Machado)": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia (Machado)": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
    "protanopia (Viénot)": (
        (0.11238, 0.88762, 0.0),
        (0.11238, 0.88762, 0.0),
        (0.00401, -0.00401, 1.0),
    ),
    "deuteranopia (Viénot)": (
        (0.29275, 0.70725, 0.0),
        (0.29275, 0.70725, 0.0),
        (-0.02234, 0.02234, 1.0),
    ),
}
GREYSCALE = "greyscale"
VISIONS = ["normal", *SIMULATIONS]


# --- Colour science ---------------------------------------------------------------------


def linear_rgb(colour):
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    return tuple(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)


def luminance(rgb):
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


def seen(colour, vision):
    """`colour` (#rrggbb) as linear RGB as seen with `vision`."""
    rgb = linear_rgb(colour)
    if vision == "normal":
        return rgb
    if vision == GREYSCALE:
        return (luminance(rgb),) * 3
    matrix = SIMULATIONS[vision]
    return tuple(
        min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix
    )


def lab(rgb):
    """CIELAB (D65) of linear sRGB."""
    r, g, b = rgb
    xyz = (
        (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047,
        0.2126729 * r + 0.7151522 * g + 0.0721750 * b,
        (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883,
    )
    fx, fy, fz = (
        t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29 for t in xyz
    )
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def ciede2000(lab1, lab2):
    """ΔE00 as Sharma, Wu and Dalal (2005) set it out."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    if c1 * c2 == 0:
        dh = 0.0
    elif abs(h2 - h1) <= 180:
        dh = h2 - h1
    else:
        dh = h2 - h1 - 360 if h2 > h1 else h2 - h1 + 360
    d_l, d_c = l2 - l1, c2 - c1
    d_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * c_mean
    s_h = 1 + 0.015 * c_mean * t
    r_c = 2 * math.sqrt(c_mean**7 / (c_mean**7 + 25**7))
    r_t = -math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2)))) * r_c
    return math.sqrt(
        (d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h)
    )


def distance(colour1, colour2, vision):
    return ciede2000(lab(seen(colour1, vision)), lab(seen(colour2, vision)))


def contrast(colour1, colour2="#ffffff"):
    """WCAG contrast ratio."""
    low, high = sorted(luminance(linear_rgb(c)) for c in (colour1, colour2))
    return (high + 0.05) / (low + 0.05)


def closest_pair(colours, vision):
    return min((distance(a, b, vision), a, b) for a, b in itertools.combinations(colours, 2))


# Sharma, Wu and Dalal (2005), table 1: pairs 1, 7, 13, 17, 25 and 34 (L*, a*, b*; ΔE00).
SHARMA_PAIRS = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0011), 7.2195),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA_PAIRS)
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("vision", [*SIMULATIONS, GREYSCALE])
def test_simulations_leave_greys_grey(vision):
    # Each matrix's rows sum to 1, so white stays white and a grey the same grey.
    for grey in ("#ffffff", "#777777"):
        assert seen(grey, vision) == pytest.approx(linear_rgb(grey), abs=1e-3)


@pytest.mark.parametrize(
    ("colour1", "colour2", "vision"),
    [
        # Outstanding's and Inadequate's tag colours: the best and worst rating.
        ("#005a30", "#aa2a16", "protanopia (Machado)"),
        ("#005a30", "#aa2a16", "protanopia (Viénot)"),
        # The tracker's old "not started" and "in progress".
        ("#6f72af", "#1d70b8", "protanopia (Machado)"),
        ("#6f72af", "#1d70b8", "protanopia (Viénot)"),
        # The theme chart's old strengths and other findings.
        ("#00703c", "#505a5f", GREYSCALE),
    ],
)
def test_the_check_catches_colours_that_merge(colour1, colour2, vision):
    assert distance(colour1, colour2, "normal") > MIN_DISTANCE
    assert distance(colour1, colour2, vision) < MIN_DISTANCE


# --- Every chart with as many series as it can have -------------------------------------


def key_question_figure():
    series = [(f"PDU {n}", [50, 60], [40, 50], [60, 70]) for n in range(len(charts.SERIES_COLOURS))]
    return plot_args(charts.key_question_chart(["Q1", "Q2"], series, "kq"), "kq")


def distribution_figure():
    counts = {rating.label: [1, 2] for rating in Rating}
    return plot_args(charts.rating_distribution_chart(["1.1", "1.2"], counts, "rd"), "rd")


def ranking_figure():
    rows = [(f"PDU {n}", n + 1, 24, rating.label) for n, rating in enumerate(Rating)]
    return plot_args(charts.score_ranking_chart(rows, "sr"), "sr")


def theme_figure():
    row = CountRow("Lambeth PDU")
    for _, attribute, _, _ in KIND_COLOURS:
        setattr(row, attribute, 2)
    return plot_args(theme_chart([row], "th", title="Theme"), "th")


def status_figure():
    counts = [Counter(dict.fromkeys(STATUS_ORDER, 3))]
    return plot_args(status_over_time_chart([date(2024, 5, 1)], counts, "st"), "st")


# (the chart, the figure of it with every series, whether its colours are ours to choose)
CHARTS = {
    "key questions": (key_question_figure, True),
    "theme": (theme_figure, True),
    "tracker status": (status_figure, True),
    # The rating tags' colours (tests/ratings/test_charts.py keeps them in step with the
    # tags), some of which merge for colour-blind readers; the patterns tell them apart.
    "rating distribution": (distribution_figure, False),
    "ranking": (ranking_figure, False),
}


def series_of(chart):
    data, _, _ = CHARTS[chart][0]()
    return data


def test_each_chart_draws_every_series_it_can():
    assert len(series_of("key questions")) == 6
    assert len(series_of("theme")) == len(KIND_COLOURS)
    assert len(series_of("tracker status")) == len(STATUS_ORDER)
    assert len(series_of("rating distribution")) == len(Rating)
    assert len(series_of("ranking")) == len(Rating)


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("chart", [name for name, (_, ours) in CHARTS.items() if ours])
def test_series_colours_stay_apart_with_colour_blindness(chart, vision):
    colours = [trace["marker"]["color"] for trace in series_of(chart)]
    closest, a, b = closest_pair(colours, vision)
    assert closest >= MIN_DISTANCE, f"{a} and {b}: ΔE00 {closest:.1f} with {vision}"


def test_theme_kinds_stay_apart_in_greyscale():
    # The four kinds can be told apart by lightness alone, patterns aside.
    colours = [trace["marker"]["color"] for trace in series_of("theme")]
    closest, a, b = closest_pair(colours, GREYSCALE)
    assert closest >= MIN_DISTANCE, f"{a} and {b}: ΔE00 {closest:.1f} in greyscale"


@pytest.mark.parametrize("chart", CHARTS)
def test_every_series_has_its_own_pattern(chart):
    # In greyscale several colours are alike, and so are some rating tags' colours for
    # colour-blind readers: a pattern (or none, for one series) tells every series apart.
    shapes = [trace["marker"].get("pattern", {}).get("shape", "") for trace in series_of(chart)]
    assert len(set(shapes)) == len(shapes), shapes


def blend(colour, background, opacity):
    """`colour` drawn at `opacity` over `background`, as browsers mix them (in sRGB)."""
    mixed = (
        round(opacity * int(colour[i : i + 2], 16) + (1 - opacity) * int(background[i : i + 2], 16))
        for i in (1, 3, 5)
    )
    return "#" + "".join(f"{channel:02x}" for channel in mixed)


@pytest.mark.parametrize("chart", CHARTS)
def test_patterns_stand_out_on_their_bars(chart):
    # WCAG 1.4.11's 3:1, for the pattern's lines as drawn (see-through) over the bar.
    for trace in series_of(chart):
        pattern = trace["marker"].get("pattern")
        if pattern:
            bar = trace["marker"]["color"]
            lines = blend(pattern["fgcolor"], bar, pattern["fgopacity"])
            assert pattern["fillmode"] == "overlay"
            assert contrast(lines, bar) >= MIN_GRAPHIC_CONTRAST, trace["name"]


@pytest.mark.parametrize("chart", CHARTS)
def test_bars_stand_out_from_the_page(chart):
    # WCAG 1.4.11: a bar needs 3:1 against white, or an outline that has it.
    for trace in series_of(chart):
        outline = trace["marker"].get("line", {})
        outlined = outline.get("width", 0) >= 1 and contrast(outline["color"]) >= 3
        assert outlined or contrast(trace["marker"]["color"]) >= MIN_GRAPHIC_CONTRAST


@pytest.mark.parametrize("chart", CHARTS)
def test_the_legend_names_every_series(chart):
    _, layout, _ = CHARTS[chart][0]()
    assert layout["showlegend"] is True
    assert all(trace["name"] for trace in series_of(chart))


def test_the_pattern_ink_is_white_on_dark_and_black_on_light():
    assert charts.ink("#0072b2") == "#ffffff"
    assert charts.ink("#e69f00") == charts.TEXT_COLOUR
    assert charts.ink("#dddddd") == charts.TEXT_COLOUR
