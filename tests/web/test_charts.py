"""Server-drawn SVG charts: well-formed XML, hostile labels escaped, empty data drawn as such."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest

from web import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script><svg onload=alert(2)>\"&' javascript:x"


def _parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # raises on anything that is not well-formed XML


def _texts(root: ET.Element) -> list[str]:
    return [
        "".join(element.itertext())
        for element in root.iter()
        if element.tag in (f"{SVG}text", f"{SVG}title", f"{SVG}desc")
    ]


CHARTS = [
    ("bar", lambda label: charts.bar_chart(label, [(label, 3), ("Bandung", 12345)])),
    (
        "line",
        lambda label: charts.line_chart(
            label, ["2026-W45", label], [(label, [1, 2]), ("b", [0, 5])]
        ),
    ),
    ("donut", lambda label: charts.donut_chart(label, [(label, 2), ("aktif", 1)])),
]


@pytest.mark.parametrize("kind, draw", CHARTS)
def test_hostile_labels_stay_text(kind, draw):
    markup = str(draw(HOSTILE))
    root = _parse(markup)
    assert root.tag == f"{SVG}svg"
    nested = [e for e in root.iter() if e is not root and e.tag in (f"{SVG}svg", f"{SVG}script")]
    assert not nested
    assert not [name for e in root.iter() for name in e.attrib if name.startswith("on")]
    assert "<script" not in markup and "<svg onload" not in markup
    # The label comes back whole as text: escaped on the way in, read as the same words.
    assert any(HOSTILE in text for text in _texts(root))


@pytest.mark.parametrize("kind, draw", CHARTS)
def test_charts_name_themselves_and_carry_no_inline_style(kind, draw):
    root = _parse(draw("Per platform"))
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Per platform"
    assert root.get("aria-labelledby", "").split()[0] == title.get("id")
    assert root.find(f"{SVG}desc") is not None
    assert not [e for e in root.iter() if "style" in e.attrib]  # the CSP forbids them


@pytest.mark.parametrize(
    "draw",
    [
        lambda: charts.bar_chart("Kosong", []),
        lambda: charts.line_chart("Kosong", [], []),
        lambda: charts.line_chart("Kosong", ["2026-W45"], []),
        lambda: charts.donut_chart("Kosong", []),
        lambda: charts.donut_chart("Kosong", [("aktif", 0), ("nonaktif", 0)]),
    ],
)
def test_empty_data_says_so(draw):
    root = _parse(draw())
    assert "Belum ada data" in _texts(root)
    assert not list(root.iter(f"{SVG}rect")) and not list(root.iter(f"{SVG}path"))


def test_empty_text_is_the_callers_words():
    root = _parse(charts.bar_chart("Empty", [], empty_text="No data <yet>"))
    assert "No data <yet>" in _texts(root)


@pytest.mark.parametrize(
    "rows, widths",
    [
        ([("a", 10), ("b", 5), ("c", 0)], [380.0, 190.0, 0.0]),  # longest bar = largest value
        ([("a", 0), ("b", 0)], [0.0, 0.0]),  # all zero: no division by zero, no bars
    ],
)
def test_bars_scale_to_the_largest_value(rows, widths):
    root = _parse(charts.bar_chart("t", rows))
    assert [float(r.get("width")) for r in root.iter(f"{SVG}rect")] == widths


def test_bar_titles_carry_full_label_and_thousands():
    long = "Kabupaten Kepulauan Seribu Utara Sekali"
    root = _parse(charts.bar_chart("t", [(long, 12345)]))
    assert f"{long}: 12.345" in _texts(root)  # the title keeps what the axis label shortens
    assert any(text.endswith("…") for text in _texts(root))


def test_line_chart_draws_one_line_and_a_dot_per_point_per_series():
    root = _parse(charts.line_chart("t", ["W1", "W2", "W3"], [("a", [1, 2, 3]), ("b", [0, 0, 9])]))
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    assert len(list(root.iter(f"{SVG}circle"))) == 6
    assert "b, W3: 9" in _texts(root)


def test_a_single_share_is_a_full_ring():
    root = _parse(charts.donut_chart("t", [("nonaktif", 4)]))
    (path,) = root.iter(f"{SVG}path")
    assert path.get("d").count(" A ") == 4  # two half rings, outer and inner edge each


@pytest.mark.parametrize(
    "weeks, most",
    [(1, 1), (12, 12), (53, 16), (104, 16)],
)
def test_week_labels_never_crowd_and_the_last_week_is_named(weeks, most):
    labels = [f"W{n:03d}" for n in range(weeks)]
    root = _parse(charts.line_chart("t", labels, [("a", [1] * weeks)]))
    ticks = [t for t in root.iter(f"{SVG}text") if t.get("class") == "tick" and t.text in labels]
    assert len(ticks) <= most and ticks[-1].text == labels[-1]
    xs = [float(t.get("x")) for t in ticks]
    assert all(b - a >= 40 for a, b in pairwise(xs))  # about a label's width apart
