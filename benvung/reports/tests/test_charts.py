"""Charts drawn as PNG pictures for the documents."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import pgettext
from PIL import Image

from benvung.reports.charts import chart_png, vietnamese_number
from benvung.reports.content import Chart

PNG = b"\x89PNG\r\n\x1a\n"


def test_line_chart_with_a_missing_year_and_a_target_band_is_a_png() -> None:
    chart = Chart(
        caption="Hình 1. Tỷ lệ doanh nghiệp áp dụng sản xuất sạch hơn",
        kind="line",
        labels=["2021", "2022", "2023", "2024"],
        series=[("Tỷ lệ thực hiện", [10.0, None, 14.5, 16.0])],
        unit="%",
        band=(20.0, 25.0),
    )
    with translation.override("vi"):
        data = chart_png(chart)
    assert data.startswith(PNG)
    width, height = Image.open(io.BytesIO(data)).size
    assert width > 2 * height  # drawn for a 15 x 7.5 cm slot


def test_bar_chart_with_long_vietnamese_names_is_a_png() -> None:
    chart = Chart(
        caption="Hình 2. Suất tiêu hao năng lượng",
        kind="bar",
        labels=["Chế biến thực phẩm và đồ uống", "Sản xuất giấy", "Dệt may"],
        series=[("Năm cơ sở", [2310.0, 845.3, 1245.6]), ("Năm 2025", [2254.8, None, 1180.2])],
        unit="kgOE/tấn",
    )
    assert chart_png(chart).startswith(PNG)


def test_the_same_chart_gives_the_same_picture() -> None:
    chart = Chart(caption="", kind="bar", labels=["A"], series=[("B", [1.0])])
    assert chart_png(chart) == chart_png(chart)


def test_axis_numbers_are_written_the_vietnamese_way() -> None:
    assert vietnamese_number(12000.0) == "12.000"
    assert vietnamese_number(1234.5) == "1.234,5"
    assert vietnamese_number(0.25) == "0,25"


def test_a_missing_bar_is_left_out_and_said_to_have_no_data() -> None:
    from matplotlib import rc_context

    from benvung.reports.charts import STYLE, draw

    chart = Chart(
        caption="",
        kind="bar",
        labels=["Dệt may", "Sản xuất giấy", "Hóa chất"],
        series=[("Năm 2025", [5.0, None, 7.5])],
        unit="%",
    )
    with translation.override("vi"), rc_context(STYLE):
        figure = draw(chart)
        no_data = pgettext("official document", "no data")  # "không có số liệu"
    axes = figure.axes[0]
    bars = [patch for container in axes.containers for patch in container]
    assert [bar.get_height() for bar in bars] == [5.0, 7.5]  # no bar of 0 for the gap
    assert sorted(round(bar.get_x() + bar.get_width() / 2) for bar in bars) == [0, 2]
    notes = [t for t in axes.texts if t.get_text() == no_data]
    assert len(notes) == 1 and notes[0].get_position()[0] == 1


def _axes(chart: Chart) -> object:
    from matplotlib import rc_context

    from benvung.reports.charts import STYLE, draw

    with translation.override("vi"), rc_context(STYLE):
        return draw(chart).axes[0]


def test_the_value_axis_of_a_bar_chart_starts_at_zero() -> None:
    # Values far from 0 and a target band above them: still drawn from 0.
    chart = Chart(
        caption="",
        kind="bar",
        labels=["Dệt may", "Thép"],
        series=[("2025", [92.0, 95.5])],
        band=(97.0, 99.0),
    )
    low, high = _axes(chart).get_ylim()  # type: ignore[attr-defined]
    assert low == 0 and high >= 99


def test_the_value_axis_of_a_bar_chart_takes_in_negative_values() -> None:
    chart = Chart(
        caption="", kind="bar", labels=["Nhựa", "Hóa chất"], series=[("2025", [1.0, -0.4])]
    )
    axes = _axes(chart)
    low, high = axes.get_ylim()  # type: ignore[attr-defined]
    assert low < -0.4 and high > 1.0
    # The zero line is drawn, so the bar going down reads as negative.
    assert any(list(line.get_ydata()) == [0, 0] for line in axes.lines)  # type: ignore[attr-defined]


def test_a_chart_knows_when_it_has_no_value_to_draw() -> None:
    empty = Chart(caption="", kind="bar", labels=["A", "B"], series=[("2026", [None, None])])
    assert not empty.has_values()
    assert Chart(caption="", kind="bar", labels=["A"], series=[("2026", [0.0])]).has_values()
