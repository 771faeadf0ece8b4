"""Charts as PNG images: the digest's weekly average feeling per segment (matplotlib, drawn off
screen). Data in, bytes out."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime

from matplotlib.figure import Figure  # a Figure of its own draws to memory: no display, no pyplot state


def weekly_feeling(
    segments: Mapping[str, Sequence[float | None]],
    week_starts: Sequence[datetime],
    *,
    title: str,
    axis: str,
) -> bytes:
    """A line per segment: its average feeling per week (gaps where a week had no check-ins), on a
    fixed 1–5 scale, so charts of different weeks compare."""
    figure = Figure(figsize=(8, 4), dpi=100)
    axes = figure.subplots()
    labels = [start.strftime("%d %b") for start in week_starts]
    positions = list(range(len(labels)))
    for name, weekly in segments.items():
        values = [v if v is not None else float("nan") for v in weekly]
        axes.plot(positions[: len(values)], values, marker="o", linewidth=2, label=name)
    axes.set_ylim(1, 5)
    axes.set_yticks([1, 2, 3, 4, 5])
    axes.set_xticks(positions)
    axes.set_xticklabels(labels, rotation=45, ha="right", fontsize=8)
    axes.set_ylabel(axis)
    axes.set_title(title)
    axes.grid(True, alpha=0.3)
    if segments:
        axes.legend(loc="lower left", fontsize=8)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
