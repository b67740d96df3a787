"""A line chart as plain geometry, drawn by the template as inline SVG.

Server-rendered, so the comparison reads without JavaScript and needs no
chart library: this module turns values into coordinates, ticks and point
links; the template only loops. Colours come from the ``series-N`` classes
of the stylesheet (the CSP forbids inline styles; SVG presentation
attributes are not styles, but classes keep the palette in one place).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

WIDTH = 760
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 14, 40
#: Horizontal grid lines above zero.
Y_TICKS = 4
#: Most labels under the x axis.
X_LABELS = 8


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above ``value``."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        candidate = step * 10**exponent
        if candidate >= value * (1 - 1e-9):
            return candidate
    return 10.0 ** (exponent + 1)  # pragma: no cover - the loop always returns


def x_positions(count: int) -> list[float]:
    """Evenly spread x coordinates of ``count`` periods (one period sits in the middle)."""
    width = WIDTH - LEFT - RIGHT
    if count <= 1:
        return [LEFT + width / 2] * count
    return [round(LEFT + width * i / (count - 1), 1) for i in range(count)]


def _label_indexes(count: int) -> list[int]:
    if count <= X_LABELS:
        return list(range(count))
    step = math.ceil((count - 1) / (X_LABELS - 1))
    indexes = list(range(0, count, step))
    if indexes[-1] != count - 1:
        if count - 1 - indexes[-1] < step / 2:
            indexes[-1] = count - 1
        else:
            indexes.append(count - 1)
    return indexes


def line_chart(
    labels: Sequence[str],
    series: Sequence[Sequence[float]],
    tips: Sequence[Sequence[str]],
    hrefs: Sequence[Sequence[str]],
    tick_format: Callable[[float], str],
) -> dict[str, Any]:
    """Coordinates of one line per series over ``labels``, y from zero to a nice maximum."""
    peak = max((value for values in series for value in values), default=0.0)
    top = nice_ceiling(peak)
    height = HEIGHT - TOP - BOTTOM
    xs = x_positions(len(labels))

    def y_of(value: float) -> float:
        return round(TOP + height * (1 - value / top), 1)

    lines = []
    for index, values in enumerate(series):
        coords = [(x, y_of(v)) for x, v in zip(xs, values, strict=True)]
        lines.append(
            {
                "index": index,
                "points": " ".join(f"{x},{y}" for x, y in coords),
                "dots": [
                    {"x": x, "y": y, "tip": tip, "href": href}
                    for (x, y), tip, href in zip(coords, tips[index], hrefs[index], strict=True)
                ],
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "y_ticks": [
            {"y": y_of(top * i / Y_TICKS), "label": tick_format(top * i / Y_TICKS)}
            for i in range(Y_TICKS + 1)
        ],
        "x_ticks": [
            {"x": xs[i], "label": labels[i], "y": HEIGHT - BOTTOM + 18}
            for i in _label_indexes(len(labels))
        ],
        "lines": lines,
    }


def count_tick(value: float) -> str:
    """``1,250`` (counts), ``2.5`` when the scale is below ten."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def share_tick(value: float) -> str:
    """A share (fraction of 1) as a percentage with the decimals its scale needs."""
    percent = value * 100
    if percent == 0:
        return "0%"
    digits = 0 if percent >= 10 else 1 if percent >= 1 else 2 if percent >= 0.1 else 3
    return f"{percent:.{digits}f}%"
