"""Splitting figures that ran together when a web page was flattened to text.

``640020470`` under seven columns whose last is the sum of the other six can
only be 64, 0, 0, 2, 0, 4, 70. The splitter enumerates every way to cut the
runs into the wanted number of figures (no figure but 0 starts with 0) and
keeps the cuts that satisfy the row's identity. It returns an answer only
when exactly one cut does: a figure is never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

Check = Callable[[list[int]], bool]
# Enumeration is cut short beyond this many partial cuts: such a run is
# reported as ambiguous rather than searched at length. Real rows (7 cells of
# up to a few digits, or section 四's 15) need a few hundred steps.
_MAX_STEPS = 20_000
# Runs averaging more digits per cell than this are not table figures.
_MAX_DIGITS_PER_FIGURE = 8


class _Budget:
    def __init__(self) -> None:
        self.steps = 0

    def spend(self) -> bool:
        self.steps += 1
        return self.steps <= _MAX_STEPS


def unique_split(runs: Sequence[str], count: int, check: Check | None) -> list[list[str]] | None:
    """The one way to cut ``runs`` (digit strings) into ``count`` figures that
    passes ``check``, as the digit strings of each run; None when there is no
    such way or more than one."""
    found = _unique_split(tuple(runs), count, check)
    return None if found is None else [list(parts) for parts in found]


def clear_split_cache() -> None:
    _unique_split.cache_clear()


# Rows like 0000000 and 1000001 recur in every flattened report: remember them.
@lru_cache(maxsize=4096)
def _unique_split(
    runs: tuple[str, ...], count: int, check: Check | None
) -> tuple[tuple[str, ...], ...] | None:
    digits = sum(len(run) for run in runs)
    if count == 0 or digits < count or len(runs) > count or digits > count * _MAX_DIGITS_PER_FIGURE:
        return None
    found: list[list[list[str]]] = []
    budget = _Budget()
    for parts in _cuts(runs, 0, count, budget):
        flat = [int(part) for run_parts in parts for part in run_parts]
        if check is None or check(flat):
            found.append(parts)
            if len(found) > 1:
                return None
    if budget.steps > _MAX_STEPS or not found:
        return None
    return tuple(tuple(parts) for parts in found[0])


def _cuts(
    runs: Sequence[str], index: int, remaining: int, budget: _Budget
) -> Iterator[list[list[str]]]:
    if index == len(runs):
        if remaining == 0:
            yield []
        return
    runs_left = len(runs) - index - 1
    digits_left = sum(len(run) for run in runs[index + 1 :])
    run = runs[index]
    for parts_here in range(1, min(len(run), remaining - runs_left) + 1):
        if remaining - parts_here > digits_left:
            continue
        for split in _split_run(run, parts_here, budget):
            for rest in _cuts(runs, index + 1, remaining - parts_here, budget):
                yield [split, *rest]


def _split_run(run: str, parts: int, budget: _Budget) -> Iterator[list[str]]:
    if not budget.spend():
        return
    if parts == 1:
        if run == "0" or not run.startswith("0"):
            yield [run]
        return
    # A figure starting with 0 can only be 0 itself.
    heads = [1] if run.startswith("0") else range(1, len(run) - parts + 2)
    for head in heads:
        for tail in _split_run(run[head:], parts - 1, budget):
            yield [run[:head], *tail]
