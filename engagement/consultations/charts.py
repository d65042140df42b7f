"""Server-side SVG bar charts for results. The template draws what `bar_chart` computes; there
is no chart library in the browser and no inline style (colours come from classes in
`engagement/css/results.css`). Every chart sits next to a table holding the same figures, so the
chart is a picture of the table, never the only way to read it.

Bars are drawn to scale: each bar's length is its share on a fixed scale from 0% to 100%,
labelled under the bars, and the track behind every bar is the whole scale. A bar of 21% fills
21% of its track whatever the largest bar is (docs/statistics.md)."""

from dataclasses import dataclass

WIDTH = 400
LABEL_HEIGHT = 22
BAR_HEIGHT = 22
ROW_GAP = 14
VALUE_GAP = 8
# Room kept right of the scale for the value at the end of a full bar, e.g. "1,234 (100%)".
VALUE_ROOM = 110
# The length of the scale: 0% at x = 0, 100% at x = SCALE.
SCALE = WIDTH - VALUE_ROOM
# The labelled ticks under the bars, and the room they take.
TICKS = (0, 25, 50, 75, 100)
AXIS_HEIGHT = 26


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    share: float  # percent, 0 to 100
    label_y: float
    bar_y: float
    width: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class Tick:
    percent: int
    x: float
    anchor: str  # where the label sits on its tick: start, middle, end


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    bar_height: int
    scale: int
    axis_y: int
    tick_end_y: int
    tick_label_y: int
    ticks: list[Tick]
    bars: list[Bar]


def bar_length(share: float) -> float:
    """A share (percent) as a length on the scale: 0% is nothing, 100% the whole track. A share
    above zero always shows a sliver, so it is not mistaken for nothing."""
    share = min(max(share, 0.0), 100.0)
    if share <= 0:
        return 0.0
    return max(1.0, round(SCALE * share / 100, 1))


def bar_chart(*, title: str, bars: list[tuple[str, float, str]]) -> BarChart:
    """Lay out a horizontal bar chart: each bar's label above it, its value at its end, and the
    scale from 0% to 100% under the bars. `bars` is [(label, share in percent, value as text)]."""
    laid_out = []
    y = 0.0
    for label, share, text in bars:
        label_y = y + LABEL_HEIGHT - 6
        bar_y = y + LABEL_HEIGHT
        width = bar_length(share)
        laid_out.append(
            Bar(
                label=label,
                value_text=text,
                share=share,
                label_y=label_y,
                bar_y=bar_y,
                width=width,
                value_x=width + VALUE_GAP,
                value_y=bar_y + BAR_HEIGHT - 6,
            )
        )
        y = bar_y + BAR_HEIGHT + ROW_GAP
    axis_y = int(y)
    ticks = [
        Tick(
            percent=p,
            x=round(SCALE * p / 100, 1),
            anchor="start" if p == 0 else "end" if p == 100 else "middle",
        )
        for p in TICKS
    ]
    return BarChart(
        title=title,
        width=WIDTH,
        height=int(axis_y + AXIS_HEIGHT),
        bar_height=BAR_HEIGHT,
        scale=SCALE,
        axis_y=axis_y,
        tick_end_y=axis_y + 5,
        tick_label_y=axis_y + 20,
        ticks=ticks,
        bars=laid_out,
    )
