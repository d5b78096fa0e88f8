"""The SVG chart: titled for screen readers, escapes text, gaps for missing values."""

from benvung.core import charts


def test_a_line_chart_is_titled_escaped_and_skips_gaps():
    svg = charts.line_chart(
        "Suất tiêu hao <bia>",
        ["2021", "2022", "2023"],
        [
            charts.Series("SEC", [118.3, None, 109.0]),
            charts.Series("Định mức", [129, 129, 129], True),
        ],
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>Suất tiêu hao &lt;bia&gt;</title>" in svg
    assert svg.count("<circle") == 5  # 2 + 3 points: the missing year is a gap
    assert 'stroke-dasharray="6 4"' in svg


def test_no_values_no_chart():
    assert charts.line_chart("x", ["2021"], [charts.Series("SEC", [None])]) == ""


def test_ticks_are_round_numbers():
    assert charts._ticks(0, 8055) == [0, 2000, 4000, 6000, 8000, 10000]
    assert charts._ticks(0, 1.3) == [0, 0.5, 1.0, 1.5]


def test_a_target_band_is_shaded_and_named_in_the_legend():
    svg = charts.line_chart(
        "Tỷ lệ",
        ["2022", "2023", "2024", "2025"],
        [
            charts.Series("Giá trị", [1.0, 2.0, None, None]),
            charts.Series("Lộ trình", [0, 23.3, 46.7, 70], dashed=True, markers=False),
        ],
        band=charts.Band(70, 70, "Chỉ tiêu 2025"),
        chart_id="c1",
    )
    assert 'aria-labelledby="c1-title"' in svg and '<title id="c1-title">Tỷ lệ</title>' in svg
    assert svg.count("<rect") == 2  # the band and its legend swatch
    assert svg.count("<circle") == 2  # the path has no dots
    assert "Chỉ tiêu 2025" in svg
    # The axis reaches the band even though the values stay low.
    assert ">80<" in svg


def test_a_long_legend_wraps_inside_the_chart():
    svg = charts.line_chart(
        "x",
        ["2022", "2023"],
        [charts.Series("Một tên chuỗi rất dài " * 4, [1, 2]), charts.Series("Lộ trình", [1, 3])],
    )
    assert 'viewBox="0 0 640 278"' in svg
    assert "translate(704" not in svg


def test_bars_write_their_values_and_mark_missing_ones():
    svg = charts.bar_chart(
        "Theo loại", [("Khu công nghiệp", 2.5641), ("Cụm công nghiệp", None)], unit=" %"
    )
    assert svg.count("<rect") == 1
    assert "2.6 %" in svg or "2,6 %" in svg
    assert "—" in svg
    assert charts.bar_chart("x", [("a", None)]) == ""
