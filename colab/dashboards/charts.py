"""Bar charts as plain geometry for an inline SVG (templates/dashboards/_chart.html draws it, escaped like any
page). No JavaScript, no library. Each bar carries its label and its number as text, so the chart reads in
greyscale and printed; the template gives it a title and a description, and the page puts the same numbers in a
table beside it."""
from dataclasses import dataclass

WIDTH = 480  # the drawing's width in SVG units; it scales to the page
ROW = 46  # each bar: a line for its label, then the bar
BAR = 18
LABEL_SIZE = 14
NUMBER_ROOM = 64  # to the right of the longest bar, for its number
PAD = 4


@dataclass
class Bar:
    label: str
    text: str  # the number as the table shows it ("12", "45%")
    label_y: int
    bar_y: int
    width: float  # 0..track, the track being the whole scale
    text_x: int  # the numbers line up to the right of the track


@dataclass
class BarChart:
    id: str  # unique on the page: the title's and description's ids derive from it
    title: str
    description: str
    bars: list
    height: int
    width: int = WIDTH
    track: int = WIDTH - NUMBER_ROOM
    bar_height: int = BAR
    label_size: int = LABEL_SIZE


def bar_chart(chart_id, title, description, items, scale=None):
    """A horizontal bar chart of items [(label, value, text)]: bars proportional to value over scale (default:
    the largest value), each labelled above, its number to the right."""
    largest = scale if scale is not None else max((value for _label, value, _text in items), default=0)
    track = WIDTH - NUMBER_ROOM
    bars = []
    for index, (label, value, text) in enumerate(items):
        top = PAD + index * ROW
        width = round(track * value / largest, 1) if largest else 0
        bars.append(Bar(label, text, top + LABEL_SIZE, top + LABEL_SIZE + 6, width, track + 8))
    return BarChart(chart_id, title, description, bars, PAD * 2 + ROW * len(items))
