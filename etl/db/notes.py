"""Notes an administrator writes on a report or on one of its cells
("已电话核实，原文如此"): kept in their own table, apart from what reports
print, and keyed by agency, year and cell path — not by report id — so a
report loaded again or replaced keeps its notes.

Each change rewrites the database whole, as a load does (etl/db/atomic.py):
open pages see the notes before it or after it, and the data version changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from etl.db.atomic import LoadError
from etl.db.load import rewritten

MAX_NOTE_CHARS = 1_000
MAX_AUTHOR_CHARS = 50
NOTE_COLUMNS = ("note_id", "agency_id", "year", "cell_path", "text", "author", "written_at")


@dataclass(frozen=True)
class NewNote:
    agency_id: str
    year: int
    cell_path: str | None  # None: on the report as a whole
    text: str
    author: str = ""


def add_note(db: Path, note: NewNote) -> int:
    """Store ``note`` on a stored report; its id. LoadError says what is wrong with it."""
    text, author = note.text.strip(), note.author.strip()
    if not text:
        raise LoadError("备注是空的，未保存")
    if len(text) > MAX_NOTE_CHARS:
        raise LoadError(f"备注有 {len(text):,} 个字，超过 {MAX_NOTE_CHARS:,} 字的上限，未保存")
    if len(author) > MAX_AUTHOR_CHARS:
        raise LoadError(f"记录人超过 {MAX_AUTHOR_CHARS} 个字，未保存")
    with rewritten(db) as con:
        (reports,) = con.execute(
            "SELECT count(*) FROM reports WHERE agency_id = ? AND year = ?",
            [note.agency_id, note.year],
        ).fetchone()
        if not reports:
            raise LoadError(f"数据库中没有「{note.agency_id}」{note.year} 年度的报告，备注未保存")
        if note.cell_path is not None:
            (cells,) = con.execute(
                "SELECT count(*) FROM cell_keys WHERE path = ?", [note.cell_path]
            ).fetchone()
            if not cells:
                raise LoadError(f"模板中没有单元格 {note.cell_path}，备注未保存")
        (note_id,) = con.execute("SELECT coalesce(max(note_id), 0) + 1 FROM notes").fetchone()
        row = [note_id, note.agency_id, note.year, note.cell_path, text, author or None]
        con.execute(
            f"INSERT INTO notes ({', '.join(NOTE_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [*row, datetime.now()],
        )
    return note_id


def delete_note(db: Path, note_id: int) -> None:
    with rewritten(db) as con:
        (found,) = con.execute("SELECT count(*) FROM notes WHERE note_id = ?", [note_id]).fetchone()
        if not found:
            raise LoadError(f"备注 {note_id} 已不存在（可能已被删除）")
        con.execute("DELETE FROM notes WHERE note_id = ?", [note_id])
