"""Every filter and page choice lives in the URL, so a copied link reopens the
same view.

Streamlit clears the query string when the user switches pages, so the URL is
not the only store: a widget's value lives in ``st.session_state`` under its
URL key, and each run writes it back to the URL. A value in the URL is taken
only when this session did not write it itself — a pasted link, or a link
from another page that carries parameters. A value that does not parse is
ignored with a visible note, never an error page.

Every value is read strictly (a link is anyone's to write): each key is one
of ``URL_KEYS``, a value is at most ``MAX_VALUE_CHARS`` characters and a key
has at most ``MAX_VALUES`` of them, a number is ASCII digits only (``²``,
``٣`` and full-width digits are digits to ``str.isdigit``, not to ``int``),
and a choice is one of its options. The note names the key and shows the
rejected value cut short, as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TypeVar

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from app.plain import markdown_text

T = TypeVar("T")

# Every key a page keeps in the URL, and what it holds: a widget may only use
# one of these, so the tests that try hostile links cover every key.
URL_KEYS: dict[str, str] = {
    "from": "起始年度", "to": "截止年度", "province": "省份", "city": "市",
    "county": "县（区）", "level": "层级", "kind": "机关类型", "agency": "机关",
    "no_region": "不计区域汇总报告",
    "pro_measure": "主动公开的指标",
    "app_view": "依申请公开的视图", "app_group": "依申请公开的分组",
    "rev_group": "案件类别", "rev_top": "排名机关数",
    "rev_min": "纠错率排名的最少案件数",
    "cmp_agency": "对比的机关", "cmp_mode": "对比方式", "cmp_measure": "对比的指标",
    "cmp_min": "对比的最少案件数", "cmp_peers": "同类机关范围",
    "cmp_more": "并列的指标", "cmp_side": "展开多指标并列",
    "prof_agency": "档案的机关", "prof_year": "档案的年度", "prof_finding": "档案的校验结果",
    "qa_rule": "校验规则", "qa_errors": "只看错误",
    "qa_report": "有校验结果的报告", "qa_finding": "校验结果",
}  # fmt: skip
MAX_VALUE_CHARS = 200  # the longest real value, an agency's id, is under 100
MAX_VALUES = 500  # agencies chosen at once
_SHOWN_VALUE_CHARS = 40  # of a rejected value, in the note
_SHOWN_VALUES = 5
_NUMBER = re.compile(r"[0-9]{1,9}")

_WRITTEN = "_url_written"  # session key: per URL key, the values last written and when
_RUN = "_url_run"  # session key: this session's run counter
_KEPT = "_url_kept"  # session key: per URL key, the value its widget last had


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


def url_number(text: str) -> int | None:
    """A whole number written in ASCII digits (at most nine), else None."""
    return int(text) if _NUMBER.fullmatch(text) else None


def shown_values(values: list[str]) -> str:
    """Rejected URL values for a note: a few, each cut short, as text."""
    shown = [
        markdown_text(value, _SHOWN_VALUE_CHARS) or "（空值）" for value in values[:_SHOWN_VALUES]
    ]
    more = f" 等 {len(values):,} 个" if len(values) > _SHOWN_VALUES else ""
    return "、".join(shown) + more


def unknown_problem(what: str, values: list[str], unknown: list[str]) -> str:
    """Why a link's ``values`` for a multi-select were not all used: those
    ``unknown`` named, unless the value is the only one (the note shows it)."""
    if len(values) == 1:
        return f"没有这个{what}"
    return f"没有这个{what}：{shown_values(unknown)}"


def _check_bounds(values: list[str]) -> None:
    if len(values) > MAX_VALUES:
        raise InvalidParameter(f"值多于 {MAX_VALUES:,} 个")
    if any(len(value) > MAX_VALUE_CHARS for value in values):
        raise InvalidParameter(f"值长于 {MAX_VALUE_CHARS:,} 个字符")


def take_from_url(key: str, parse: Callable[[list[str]], T]) -> str | None:
    """Before the widget ``key`` is created: adopt a value the URL brings.
    Returns a note for the user when the URL's value is invalid."""
    if key not in URL_KEYS:
        raise KeyError(f"URL key {key!r} is not in URL_KEYS")
    values = st.query_params.get_all(key)
    if not values or _is_echo(key, values):
        return None
    try:
        _check_bounds(values)
        st.session_state[key] = parse(values)
    except InvalidParameter as reason:
        _remember(key, values)  # note it once, not on every rerun
        if reason.usable:
            st.session_state[key] = reason.usable
            return f"链接中的参数 {key} 有无效的值，已忽略这些值：{reason}"
        return f"链接中的参数 {key}={shown_values(values)} 无效，已忽略：{reason}"
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
    if key not in st.session_state:
        _restore_kept(key, default, parse, encode)
    st.session_state.setdefault(key, default)
    value = render()
    put_in_url(key, [] if value == default else encode(value))
    _kept()[key] = value
    return value


def _kept() -> dict[str, object]:
    return st.session_state.setdefault(_KEPT, {})


def _restore_kept(
    key: str, default: T, parse: Callable[[list[str]], T], encode: Callable[[T], list[str]]
) -> None:
    """A page's choice, made before a visit to another page: Streamlit forgets
    the state of a widget that a run does not draw, so each is kept apart too.
    It is read again as a link's value would be, since the options may have
    changed meanwhile; what is no longer among them is left out."""
    kept = _kept().get(key, default)
    if kept == default:
        return
    try:
        st.session_state[key] = parse(encode(kept))  # type: ignore[arg-type]
    except InvalidParameter as reason:
        if reason.usable:
            st.session_state[key] = reason.usable


def parse_one(allowed: Callable[[str], T | None], what: str) -> Callable[[list[str]], T]:
    """A parser for a single value: ``allowed`` maps a URL string to the
    widget value, or None when it is not one of the choices."""

    def parse(values: list[str]) -> T:
        value = allowed(values[-1])
        if value is None:
            raise InvalidParameter(f"没有这个{what}")
        return value

    return parse


def _on(value: str) -> bool | None:
    return True if value == "1" else None


# An on/off choice (a checkbox, an open section): "1" in the URL when on.
parse_flag = parse_one(_on, "取值（应为 1）")


def parse_many(allowed: Callable[[str], T | None], what: str) -> Callable[[list[str]], list[T]]:
    """Like :func:`parse_one` for a multi-select: every value must be valid."""

    def parse(values: list[str]) -> list[T]:
        chosen = [allowed(value) for value in values]
        unknown = [value for value, parsed in zip(values, chosen, strict=False) if parsed is None]
        usable = list(dict.fromkeys(value for value in chosen if value is not None))
        if unknown:
            raise InvalidParameter(unknown_problem(what, values, unknown), usable)
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


def url_flag(
    key: str, render: Callable[[], bool], note: Callable[[str], object] = st.warning
) -> bool:
    """An on/off widget (off by default) kept in the URL as ``key=1`` when on."""
    return url_widget(
        key, default=False, parse=parse_flag, encode=lambda value: ["1"], render=render, note=note
    )


def lazy_section(key: str, label: str, *, opened_by: str) -> DeltaGenerator | None:
    """A collapsed section whose content is built only while it is open — a
    part of a page that costs a chart or a table the page can show without —
    open or not kept in the URL under ``key``; a link carrying ``opened_by``
    (the section's own choice) opens it. The section to draw into, or None
    when closed; then ``opened_by`` is kept for its reopening, out of the link."""
    if key not in st.session_state and st.query_params.get_all(opened_by):
        st.session_state[key] = True
    drawn: list[DeltaGenerator] = []

    def render() -> bool:
        drawn.append(st.expander(label, key=key, on_change="rerun"))
        return bool(drawn[0].open)

    if url_flag(key, render):
        return drawn[0]
    put_in_url(opened_by, [])
    return None
