"""Who may write: an administrator, once he has given the password configured
on the server. Without a configured password nothing in the app writes.

The password is read from the environment (``XXGK_ADMIN_PASSWORD``) or from
Streamlit's secrets (``admin_password`` in ``.streamlit/secrets.toml``), the
environment first. A session that gave it keeps a keyed digest of it in its
own state, never the password, and stops being an administrator as soon as
the configured password changes. Every function that writes calls
``require_admin`` itself, so no page, link or widget can write around it.
Guessing is slowed per session (one second a wrong password, and a pause
after five), so that no one's guesses lock the administrator out.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError
from streamlit.logger import get_logger

from app.db import BUNDLED_DB, database_path

PASSWORD_ENV = "XXGK_ADMIN_PASSWORD"
PASSWORD_SECRET = "admin_password"
# Guessing is slowed in each session: after this many wrong passwords within
# the window, the session's attempts are refused until the window has passed.
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 60.0
WRONG_PASSWORD_DELAY = 1.0  # seconds
SIGNED_IN_KEY = "_admin_digest"
FAILURES_KEY = "_admin_failures"

_PROCESS_KEY = secrets.token_bytes(32)  # digests mean nothing outside this server process
_LOG = get_logger(__name__)


class NotAdmin(PermissionError):
    """A write was asked for by a session that is not an administrator's."""

    def __init__(self) -> None:
        super().__init__("只有管理员可以写入数据库：请先在“数据导入”页输入管理员密码")


def configured_password() -> str | None:
    """The administrator's password, or None when writing is off."""
    password = os.environ.get(PASSWORD_ENV, "")
    if not password:
        try:
            password = str(st.secrets.get(PASSWORD_SECRET, "") or "")
        except (StreamlitSecretNotFoundError, FileNotFoundError):
            password = ""  # no secrets file: writing stays off
    return password or None


def _digest(password: str) -> str:
    return hmac.new(_PROCESS_KEY, password.encode("utf-8"), hashlib.sha256).hexdigest()


def is_admin() -> bool:
    password = configured_password()
    given = st.session_state.get(SIGNED_IN_KEY)
    return password is not None and isinstance(given, str) and given == _digest(password)


BUNDLED_NOTE = (
    "当前打开的是项目自带的示例数据库（data/xxgk.duckdb）：`make run` 会按 data/reports 重建它，"
    "在此导入的报告、名录和备注都会丢失，所以本看板不写入它。请由服务器管理员设置环境变量 "
    "XXGK_DB 指向本单位的数据库文件后再导入（见 docs/deploy.md）。"
)


def writes_bundled_database() -> bool:
    """Whether the app is on the bundled database, which `make run` rebuilds
    from data/reports whenever the loader changes: nothing is written there."""
    return database_path().resolve() == BUNDLED_DB.resolve()


class NotWritable(PermissionError):
    def __init__(self) -> None:
        super().__init__(BUNDLED_NOTE)


def require_admin() -> None:
    """Before any write: an administrator's session, on a database of the office's own."""
    if not is_admin():
        raise NotAdmin()
    if writes_bundled_database():
        raise NotWritable()


class TooManyAttempts(Exception):
    """Wrong passwords came too fast; ``wait`` is how many seconds are left."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"本页密码错误次数过多，请 {wait:,.0f} 秒后再试")
        self.wait = wait


def sign_in(password: str) -> bool:
    """Whether ``password`` is the administrator's; a right one signs this
    session in. Raises TooManyAttempts while this session's guessing is
    stopped. Each wrong password also costs its session WRONG_PASSWORD_DELAY:
    guessing is slow, and no one's guesses keep another session out."""
    configured = configured_password()
    if configured is None:
        return False
    now = time.monotonic()
    failures = [
        t for t in st.session_state.get(FAILURES_KEY, []) if now - t < FAILURE_WINDOW_SECONDS
    ]
    if len(failures) >= MAX_FAILURES:
        raise TooManyAttempts(FAILURE_WINDOW_SECONDS - (now - failures[0]))
    # Compared as digests: equal lengths, in constant time.
    if not hmac.compare_digest(_digest(password), _digest(configured)):
        st.session_state[FAILURES_KEY] = [*failures, now]
        _LOG.warning("管理员密码错误（本会话 %.0f 秒内第 %d 次）", FAILURE_WINDOW_SECONDS,
                     len(failures) + 1)  # fmt: skip
        time.sleep(WRONG_PASSWORD_DELAY)
        return False
    st.session_state.pop(FAILURES_KEY, None)
    st.session_state[SIGNED_IN_KEY] = _digest(configured)
    return True


def sign_out() -> None:
    st.session_state.pop(SIGNED_IN_KEY, None)
