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
