"""Server-side SVG bar charts for results. The template draws what `bar_chart` computes; there
is no chart library in the browser and no inline style (colours come from classes in
`engagement/css/results.css`). Every chart sits next to a table holding the same figures, so the
chart is a picture of the table, never the only way to read it."""

from dataclasses import dataclass

WIDTH = 400
LABEL_HEIGHT = 22
BAR_HEIGHT = 22
ROW_GAP = 14
VALUE_GAP = 8
# Room kept right of the longest bar for its value, e.g. "1,234 (56%)".
VALUE_ROOM = 110


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    label_y: float
    bar_y: float
    width: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    bar_height: int
    bars: list[Bar]


def bar_chart(*, title: str, bars: list[tuple[str, float, str]]) -> BarChart:
    """Lay out a horizontal bar chart: each bar's label above it and its value at its end.
    `bars` is [(label, value, value as text)]; bars scale to the largest value."""
    largest = max((value for _label, value, _text in bars), default=0) or 1
    room = WIDTH - VALUE_ROOM
    laid_out = []
    y = 0.0
    for label, value, text in bars:
        label_y = y + LABEL_HEIGHT - 6
        bar_y = y + LABEL_HEIGHT
        # A value above zero always shows a sliver, so it is not mistaken for nothing.
        width = 0.0 if value <= 0 else max(2.0, round(room * value / largest, 1))
        laid_out.append(
            Bar(
                label=label,
                value_text=text,
                label_y=label_y,
                bar_y=bar_y,
                width=width,
                value_x=width + VALUE_GAP,
                value_y=bar_y + BAR_HEIGHT - 6,
            )
        )
        y = bar_y + BAR_HEIGHT + ROW_GAP
    return BarChart(
        title=title, width=WIDTH, height=int(y) or 1, bar_height=BAR_HEIGHT, bars=laid_out
    )
