"""Bar charts as inline SVG, laid out on the server (no chart library in the browser)."""

from dataclasses import dataclass

ROW_HEIGHT = 26
LABEL_WIDTH = 120
BAR_WIDTH = 200
NUMBER_WIDTH = 60


@dataclass
class Bar:
    """One row of the chart: a label, an outer bar (all) and an inner bar (done)."""

    label: str
    y: int
    total: int
    done: int
    total_width: float
    done_width: float


def bar_chart(items: list[tuple[str, int, int]]) -> dict:
    """Geometry for (label, total, done) rows: bars scaled to the largest total."""
    largest = max((total for _, total, _ in items), default=0) or 1
    bars = [
        Bar(label, index * ROW_HEIGHT, total, done, BAR_WIDTH * total / largest, BAR_WIDTH * done / largest)
        for index, (label, total, done) in enumerate(items)
    ]
    return {
        "bars": bars,
        "width": LABEL_WIDTH + BAR_WIDTH + NUMBER_WIDTH,
        "height": max(len(bars), 1) * ROW_HEIGHT,
        "label_width": LABEL_WIDTH,
        "row_height": ROW_HEIGHT,
    }
