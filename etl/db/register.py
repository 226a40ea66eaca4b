"""``python -m etl register``: the register of who must report, stored in the
database whole, atomically (beside the reports it is matched with), and the
match of its rows with the reports stored.

A register replaces the one before it. The file is built beside the live one
and renamed over it, as a load does (etl/db/atomic.py), so open pages see
the old register or the new one, and the data version changes with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from etl.db.load import rewritten
from etl.register import RegisterEntry

REGISTER_COLUMNS = (
    "row_number", "name", "agency_id", "region", "province", "city", "county", "level", "kind",
    "first_year", "last_year", "source_file", "imported_at",
)  # fmt: skip


@dataclass(frozen=True)
class RegisterMatch:
    """How the register and the stored reports meet: register rows no report
    matches (in any year), and agencies with reports the register lacks."""

    entries: int
    unmatched_entries: list[tuple[int, str, str]]  # (row, name, 机关编号)
    unlisted_agencies: list[tuple[str, str]]  # (机关编号, name printed)


def store_register(entries: list[RegisterEntry], db: Path, source_file: str) -> RegisterMatch:
    """Make ``entries`` the database's register; say how it matches the reports."""
    imported_at = datetime.now()
    with rewritten(db) as con:
        con.execute("DELETE FROM register")
        con.executemany(
            f"INSERT INTO register ({', '.join(REGISTER_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(REGISTER_COLUMNS))})",
            [_row(entry, source_file, imported_at) for entry in entries],
        )
        return register_match(con)


def _row(entry: RegisterEntry, source_file: str, imported_at: datetime) -> list[object]:
    return [
        entry.row, entry.name, entry.agency_id, entry.region, entry.province, entry.city,
        entry.county, entry.level, entry.kind, entry.first_year, entry.last_year, source_file,
        imported_at,
    ]  # fmt: skip


# A report is the register row's when it has the row's 机关编号 or prints the row's name.
MATCHES = "(r.agency_id = g.agency_id OR r.agency_name = g.name)"


def register_match(con: duckdb.DuckDBPyConnection) -> RegisterMatch:
    (entries,) = con.execute("SELECT count(*) FROM register").fetchone()
    unmatched = con.execute(
        f"SELECT row_number, name, agency_id FROM register g "
        f"WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE {MATCHES}) ORDER BY row_number"
    ).fetchall()
    unlisted = con.execute(
        f"SELECT agency_id, arg_max(agency_name, year) FROM reports r "
        f"WHERE NOT EXISTS (SELECT 1 FROM register g WHERE {MATCHES}) "
        "GROUP BY agency_id ORDER BY agency_id"
    ).fetchall()
    return RegisterMatch(entries, unmatched, unlisted)
