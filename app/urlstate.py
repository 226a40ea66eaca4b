"""Every filter and page choice lives in the URL, so a copied link reopens the
same view.

Streamlit clears the query string when the user switches pages, so the URL is
not the only store: a widget's value lives in ``st.session_state`` under its
URL key, and each run writes it back to the URL. A value in the URL is taken
only when this session did not write it itself — a pasted link, or a link
from another page that carries parameters. A value that does not parse is
ignored with a visible note, never an error page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import streamlit as st

T = TypeVar("T")

_WRITTEN = "_url_written"  # session key: per URL key, the values last written and when
_RUN = "_url_run"  # session key: this session's run counter


class InvalidParameter(ValueError):
    """A URL value that cannot be used; its message says why, in Chinese.
    ``usable`` is what can still be taken (the valid part of a list)."""

    def __init__(self, reason: str, usable: object = None) -> None:
        super().__init__(reason)
        self.usable = usable


def begin_run() -> None:
    """Called once at the top of every run, before any URL-kept widget."""
    st.session_state[_RUN] = st.session_state.get(_RUN, 0) + 1


def _written() -> dict[str, tuple[list[str], int]]:
    return st.session_state.setdefault(_WRITTEN, {})


def _is_echo(key: str, values: list[str]) -> bool:
    """Whether the URL shows what this session wrote on its previous run.
    A value written longer ago (its widget was on another page meanwhile)
    arrives by a link back and is taken again."""
    written, run = _written().get(key, ([], 0))
    return values == written and run >= st.session_state.get(_RUN, 0) - 1


def take_from_url(key: str, parse: Callable[[list[str]], T]) -> str | None:
    """Before the widget ``key`` is created: adopt a value the URL brings.
    Returns a note for the user when the URL's value is invalid."""
    values = st.query_params.get_all(key)
    if not values or _is_echo(key, values):
        return None
    try:
        st.session_state[key] = parse(values)
    except InvalidParameter as reason:
        _remember(key, values)  # note it once, not on every rerun
        if reason.usable:
            st.session_state[key] = reason.usable
            return f"链接中的参数 {key} 有无效的值，已忽略这些值：{reason}"
        return f"链接中的参数 {key}={'、'.join(values)} 无效，已忽略：{reason}"
    return None


def _remember(key: str, values: list[str]) -> None:
    _written()[key] = (values, st.session_state.get(_RUN, 0))


def put_in_url(key: str, values: list[str]) -> None:
    """After the widget ``key`` ran: its value in the URL (none when default)."""
    if values:
        st.query_params[key] = values if len(values) > 1 else values[0]
    elif key in st.query_params:
        del st.query_params[key]
    _remember(key, values)


def url_widget(
    key: str,
    *,
    default: T,
    parse: Callable[[list[str]], T],
    encode: Callable[[T], list[str]],
    render: Callable[[], T],
    note: Callable[[str], object] = st.warning,
) -> T:
    """A widget whose value is kept in the URL under ``key``.

    ``render`` creates the widget with ``key=key`` and no default of its own
    (the default goes into session state, so Streamlit has one source)."""
    message = take_from_url(key, parse)
    if message:
        note(message)
    st.session_state.setdefault(key, default)
    value = render()
    put_in_url(key, [] if value == default else encode(value))
    return value


def parse_one(allowed: Callable[[str], T | None], what: str) -> Callable[[list[str]], T]:
    """A parser for a single value: ``allowed`` maps a URL string to the
    widget value, or None when it is not one of the choices."""

    def parse(values: list[str]) -> T:
        value = allowed(values[-1])
        if value is None:
            raise InvalidParameter(f"没有这个{what}")
        return value

    return parse


def parse_many(allowed: Callable[[str], T | None], what: str) -> Callable[[list[str]], list[T]]:
    """Like :func:`parse_one` for a multi-select: every value must be valid."""

    def parse(values: list[str]) -> list[T]:
        chosen = [allowed(value) for value in values]
        unknown = [value for value, parsed in zip(values, chosen, strict=False) if parsed is None]
        usable = list(dict.fromkeys(value for value in chosen if value is not None))
        if unknown:
            named = "、".join(value or "（空值）" for value in unknown)
            raise InvalidParameter(f"没有这个{what}：{named}", usable)
        return usable

    return parse


def url_choice(
    key: str,
    label: str,
    options: Mapping[T, str],
    *,
    default: T,
    widget: Callable[..., T] = st.radio,
    **widget_options: object,
) -> T:
    """One of ``options`` (value → the label shown), picked with ``widget``
    (st.radio, st.selectbox, …) and kept in the URL as the value's text."""
    by_text = {str(value): value for value in options}
    return url_widget(
        key,
        default=default,
        parse=parse_one(by_text.get, label),
        encode=lambda value: [str(value)],
        render=lambda: widget(
            label, list(options), format_func=options.__getitem__, key=key, **widget_options
        ),
    )
