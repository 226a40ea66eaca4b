"""A page that fails shows its user a short message and an error id, never a
traceback (it would show the server's files and code); the traceback goes to
the server's log under that id, for the administrator."""

from __future__ import annotations

import secrets

import streamlit as st
from streamlit.logger import get_logger

from etl.errors import WorkerFailure

_LOG = get_logger(__name__)


def logged_failure(error: Exception) -> str:
    """Log ``error``'s traceback under a new id, for the administrator; returns the id."""
    error_id = secrets.token_hex(4)
    # A failure in a worker process carries that process's traceback.
    in_worker = f"\n{error.details}" if isinstance(error, WorkerFailure) else ""
    _LOG.error("页面出错，错误编号 %s%s", error_id, in_worker, exc_info=error)
    return error_id


def show_failure(error: Exception, what: str = "本页出错，未能全部显示") -> str:
    """Log ``error`` with a new id and tell the user ``what`` failed; returns the id."""
    error_id = logged_failure(error)
    st.error(
        f"{what}（错误编号 {error_id}）。请稍后重试；如仍出错，请把错误编号告知系统管理员。",
        icon=":material/error:",
    )
    return error_id
