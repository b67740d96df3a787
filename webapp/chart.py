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


#: Grid steps a reader takes in at a glance, times a power of ten.
NICE_STEPS = (1.0, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_step(value: float, whole: bool = False) -> float:
    """The smallest nice step (:data:`NICE_STEPS` times a power of ten) at or above ``value``.

    ``whole`` keeps steps at 1 or more (story counts have no fractions).
    """
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in NICE_STEPS:
        candidate = step * 10**exponent
        if candidate >= value * (1 - 1e-9):
            return max(candidate, 1.0) if whole else candidate
    return 10.0 ** (exponent + 1)  # pragma: no cover - the loop always returns


def nice_ceiling(value: float, whole: bool = False) -> float:
    """The top of the y axis: :data:`Y_TICKS` nice steps at or above ``value``."""
    return nice_step(value / Y_TICKS, whole) * Y_TICKS


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


def _segments(coords: Sequence[tuple[float, float] | None]) -> list[str]:
    """Polyline point lists, broken wherever a value is unknown (lone points: dots only)."""
    segments: list[list[str]] = [[]]
    for coord in coords:
        if coord is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append(f"{coord[0]},{coord[1]}")
    return [" ".join(points) for points in segments if len(points) > 1]


def line_chart(
    labels: Sequence[str],
    series: Sequence[Sequence[float | None]],
    tips: Sequence[Sequence[str]],
    hrefs: Sequence[Sequence[str]],
    tick_format: Callable[[float], str],
    whole: bool = False,
) -> dict[str, Any]:
    """Coordinates of one line per series over ``labels``, y from zero to a nice maximum.

    A ``None`` value (unknown) gets no point, and the line breaks there.
    """
    peak = max((v for values in series for v in values if v is not None), default=0.0)
    top = nice_ceiling(peak, whole)
    height = HEIGHT - TOP - BOTTOM
    xs = x_positions(len(labels))

    def y_of(value: float) -> float:
        return round(TOP + height * (1 - value / top), 1)

    lines = []
    for index, values in enumerate(series):
        coords = [None if v is None else (x, y_of(v)) for x, v in zip(xs, values, strict=True)]
        lines.append(
            {
                "index": index,
                "segments": _segments(coords),
                "dots": [
                    {"x": coord[0], "y": coord[1], "tip": tip, "href": href}
                    for coord, tip, href in zip(coords, tips[index], hrefs[index], strict=True)
                    if coord is not None
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


def share_tick(value: float | None) -> str:
    """A share (fraction of 1) as a percentage with the decimals its scale needs."""
    if value is None:
        return "n/a"
    percent = value * 100
    if percent == 0:
        return "0%"
    digits = 0 if percent >= 10 else 1 if percent >= 1 else 2 if percent >= 0.1 else 3
    return f"{percent:.{digits}f}%"
