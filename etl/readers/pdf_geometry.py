"""The shapes a PDF page is read as — characters with their boxes, edges of
its ruling — in page coordinates: points from the top-left corner of the
page, ``top`` growing downwards; and the one way they are clustered."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple, TypeVar


class Char(NamedTuple):
    """A character and its box: from its origin, its advance wide, from the
    font's descent one font size high (pdfminer's box, not the glyph's outline)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    upright: bool


class Edge(NamedTuple):
    """A straight horizontal ("h") or vertical ("v") stretch of a path. A
    slanted single line counts as vertical, as pdfplumber has it."""

    orientation: str
    x0: float
    top: float
    x1: float
    bottom: float


Box = tuple[float, float, float, float]  # x0, top, x1, bottom


class PageTooBusy(Exception):
    """A page draws more than any report page does: ``what`` ("characters",
    "objects", "ruling") is over ``limit``."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"more {what} than {limit}")
        self.what, self.limit = what, limit


Item = TypeVar("Item")


def cluster_numbers(values: Iterable[float], tolerance: float) -> dict[float, int]:
    """Each value → the number of its cluster: in sorted order, a value within
    ``tolerance`` of the one before is in its cluster."""
    number: dict[float, int] = {}
    last = None
    cluster = -1
    for value in sorted(set(values)):
        if last is None or value > last + tolerance:
            cluster += 1
        number[value] = cluster
        last = value
    return number


def clusters(
    items: Sequence[Item], key: Callable[[Item], float], tolerance: float
) -> list[list[Item]]:
    """``items`` grouped by the cluster of their ``key``: clusters in order,
    the items of each in the order given."""
    values = [key(item) for item in items]
    if not values:
        return []
    if max(values) - min(values) <= tolerance:  # one cluster: the usual line or cell
        return [list(items)]
    number = cluster_numbers(values, tolerance)
    groups: list[list[Item]] = [[] for _ in range(number[max(number)] + 1)]
    for item, value in zip(items, values, strict=True):
        groups[number[value]].append(item)
    return groups
