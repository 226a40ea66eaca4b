"""``python -m etl load``: canonical reports into the DuckDB file, incrementally,
idempotently and atomically.

A report is identified by agency and year. Loading the same content again
changes nothing. A new extraction of the same source document (same source
sha256) replaces the stored one. A different report for an agency and year
already stored is rejected, naming both files, unless ``replace`` is asked for.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import __version__
from etl.db.atomic import LoadError, exclusive_lock, remove_stale_temps, swap_in, temp_path
from etl.db.connect import connect_read_only
from etl.db.derived import rebuild_agencies, recompute_cross_year, write_build_info
from etl.db.flatten import (
    FlatReport,
    PreparedChunk,
    Reject,
    insert_tables,
    renumbered,
    shifted,
)
from etl.db.inputs import input_files, prepared_chunks
from etl.db.schema import TABLE_NAMES, create_schema

BATCH_REPORTS = 2_000  # reports held in memory before they are written
_WRITER_CONFIG = {"threads": 1}


@dataclass(frozen=True)
class Stored:
    """What identifies a report already in the database (or earlier in this load)."""

    report_id: int | None  # None: read earlier in this load and not stored (a duplicate)
    content_sha256: str
    source_sha256: str
    input_file: str


# What became of one input (Outcome.status).
LOADED, UNCHANGED, REPLACED, CONFLICT, REJECTED = (
    "loaded", "unchanged", "replaced", "conflict", "rejected"
)  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    """One input's fate in a load. A CONFLICT is a different report for an
    agency and year already stored: rejected unless ``replace`` is asked for."""

    input_file: str
    status: str
    reason: str = ""  # why it was rejected or not stored
    agency_id: str | None = None
    agency_name: str | None = None
    year: int | None = None
    errors: int = 0  # its single-report findings (cross-year ones come with the load)
    warnings: int = 0


@dataclass
class LoadSummary:
    outcomes: list[Outcome] = field(default_factory=list)  # one per input, in input order
    read: int = 0
    loaded: int = 0
    unchanged: int = 0
    replaced: int = 0
    rejects: list[Reject] = field(default_factory=list)
    findings_by_rule: Counter = field(default_factory=Counter)  # (rule, severity) → count
    data_version: str | None = None  # None when the database was left as it was


def load(paths: list[Path], db: Path, replace: bool = False) -> LoadSummary:
    """Load the reports at ``paths`` (files or folders) into ``db``."""
    with prepared_chunks(input_files(paths)) as chunks:
        return load_chunks(chunks, db, replace, inputs=[str(path) for path in paths])


def load_chunks(
    chunks: Iterable[PreparedChunk], db: Path, replace: bool, inputs: list[str]
) -> LoadSummary:
    """Load reports already read; ``db`` is replaced only when the load completes.
    ``inputs`` is what the user named, recorded with the run."""
    with exclusive_lock(db):
        remove_stale_temps(db)
        loader = _Loader(db, _stored_reports(db), replace)
        try:
            for chunk in chunks:
                loader.take(chunk)
            return loader.finish(inputs)
        except (OSError, duckdb.IOException, duckdb.FatalException) as error:  # a full disk, say
            reason = getattr(error, "strerror", None) or str(error).splitlines()[0]
            raise LoadError(f"{db}: 无法写入数据库（{reason}），数据库未改动") from error
        finally:
            loader.discard()


def _finding_counts(chunk: PreparedChunk) -> dict[int, tuple[int, int]]:
    """Each report's (errors, warnings), by its place in the chunk."""
    reports = chunk.tables.get("reports")
    if reports is None or reports.num_rows == 0:
        return {}
    columns = reports.select(["report_id", "errors", "warnings"]).to_pydict()
    return {
        place: (errors, warnings)
        for place, errors, warnings in zip(
            columns["report_id"], columns["errors"], columns["warnings"], strict=True
        )
    }


def writable_copy(db: Path, temp: Path) -> duckdb.DuckDBPyConnection:
    """A connection to ``temp``: a copy of ``db`` to change and swap in whole
    (etl/db/atomic.py), or a new database of this schema when there is none."""
    if db.exists():
        shutil.copyfile(db, temp)
        return duckdb.connect(str(temp), config=_WRITER_CONFIG)
    con = duckdb.connect(str(temp), config=_WRITER_CONFIG)
    create_schema(con)
    return con


@contextmanager
def rewritten(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable copy of the database ``db`` (a new one when there is none),
    made the database whole when the block ends without error, with a new data
    version; ``db`` is left as it was otherwise. One writer at a time."""
    with exclusive_lock(db):
        remove_stale_temps(db)
        temp = temp_path(db)
        try:
            if db.exists():
                connect_read_only(db).close()  # a database of this code's schema, or why not
            with writable_copy(db, temp) as con:
                yield con
                write_build_info(con, datetime.now())
                con.execute("CHECKPOINT")
            swap_in(temp, db)
        finally:
            temp.unlink(missing_ok=True)
            temp.with_name(temp.name + ".wal").unlink(missing_ok=True)


def _stored_reports(db: Path) -> dict[tuple[str, int], Stored]:
    if not db.exists():
        return {}
    with connect_read_only(db) as con:
        rows = con.execute(
            "SELECT agency_id, year, report_id, content_sha256, source_sha256, input_file "
            "FROM reports"
        ).fetchall()
    return {(row[0], row[1]): Stored(*row[2:]) for row in rows}


class _Loader:
    """Decides, input by input, what happens to each report, and writes the new
    database file only once there is something to write."""

    def __init__(self, db: Path, stored: dict[tuple[str, int], Stored], replace: bool) -> None:
        self.db = db
        self.stored = stored
        self.replace = replace
        self.summary = LoadSummary()
        self.started_at = datetime.now()
        self.seen: dict[tuple[str, int], Stored] = {}
        self.replaced_ids: list[int] = []
        self.con: duckdb.DuckDBPyConnection | None = None
        self.temp = temp_path(db)
        # Tables of reports to store, written every BATCH_REPORTS reports.
        self.pending: list[dict[str, pa.Table]] = []
        self.pending_reports = 0
        self.next_id = 1  # before the offset of ids already in the database
        self.id_offset = 0
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="db-writer")
        self.writing: Future[None] | None = None

    def take(self, chunk: PreparedChunk) -> None:
        counts = _finding_counts(chunk)
        ids = [
            self._decide(item, counts.get(place, (0, 0))) for place, item in enumerate(chunk.items)
        ]
        if any(report_id is not None for report_id in ids):
            self._open()
            self.pending.append(renumbered(chunk.tables, ids))
            self.pending_reports += sum(report_id is not None for report_id in ids)
            if self.pending_reports >= BATCH_REPORTS:
                self._flush()

    def _decide(self, item: FlatReport | Reject, findings: tuple[int, int]) -> int | None:
        """The id ``item`` is stored under, or None when it is not stored;
        ``findings`` is its (errors, warnings)."""
        self.summary.read += 1
        if isinstance(item, Reject):
            self._reject(item, Outcome(item.file, REJECTED, item.reason))
            return None

        def outcome(status: str, reason: str = "") -> Outcome:
            return Outcome(item.input_file, status, reason, item.agency_id, item.agency_name,
                           item.year, *findings)  # fmt: skip

        key = (item.agency_id, item.year)
        incoming = Stored(None, item.content_sha256, item.source_sha256, item.input_file)
        if key in self.seen:
            self._take_again(key, incoming, item, outcome)
            return None
        self.seen[key] = incoming
        before = self.stored.get(key)
        if before is None:
            self.summary.loaded += 1
            self.summary.outcomes.append(outcome(LOADED))
        elif before.content_sha256 == item.content_sha256:
            self.summary.unchanged += 1
            self.summary.outcomes.append(outcome(UNCHANGED, f"与 {before.input_file} 相同"))
            return None
        elif before.source_sha256 == item.source_sha256 or self.replace:
            self.summary.replaced += 1
            self.replaced_ids.append(before.report_id)
            self.summary.outcomes.append(outcome(REPLACED, f"替换了 {before.input_file}"))
        else:
            del self.seen[key]
            reason = (
                f"「{item.agency_name}」{item.year} 年度的报告已由 {before.input_file} "
                "载入，两者内容不同"
            )
            reject = Reject(item.input_file, f"{reason}；确需替换请加 --replace")
            self._reject(reject, outcome(CONFLICT, reason))
            return None
        self.next_id += 1
        return self.next_id - 1

    def _reject(self, reject: Reject, outcome: Outcome) -> None:
        self.summary.rejects.append(reject)
        self.summary.outcomes.append(outcome)

    def _take_again(
        self,
        key: tuple[str, int],
        incoming: Stored,
        item: FlatReport,
        outcome: Callable[[str, str], Outcome],
    ) -> None:
        """A second input for an agency and year already read in this load."""
        first = self.seen[key]
        # The same bytes under another name (or their JSON) are the same report.
        same_source = first.source_sha256 == incoming.source_sha256
        if first.content_sha256 == incoming.content_sha256 or same_source:
            self.summary.unchanged += 1
            self.summary.outcomes.append(outcome(UNCHANGED, f"与本次的 {first.input_file} 相同"))
            return
        reason = (
            f"「{item.agency_name}」{item.year} 年度的报告在本次载入中已由 "
            f"{first.input_file} 提供，两者内容不同；请只保留其中一份"
        )
        self._reject(Reject(item.input_file, reason), outcome(REJECTED, reason))

    def _open(self) -> None:
        if self.con is not None:
            return
        self.con = writable_copy(self.db, self.temp)
        # Ids were handed out from 1 before the file was opened: shift them.
        (self.id_offset,) = self.con.execute(
            "SELECT coalesce(max(report_id), 0) FROM reports"
        ).fetchone()

    def _flush(self) -> None:
        """Write the pending reports in the background; the next chunks are
        received meanwhile (DuckDB releases the GIL while it writes)."""
        assert self.con is not None
        tables = {}
        for name in TABLE_NAMES:
            parts = [tables[name] for tables in self.pending if name in tables]
            if parts:
                rows = pa.concat_tables(parts)
                tables[name] = shifted(rows, self.id_offset) if self.id_offset else rows
        self.pending, self.pending_reports = [], 0
        self._wait_for_writes()
        self.writing = self.writer.submit(insert_tables, self.con, tables, self.started_at)

    def _wait_for_writes(self) -> None:
        if self.writing is not None:
            self.writing.result()  # re-raises what went wrong in the writer
            self.writing = None

    def finish(self, inputs: list[str]) -> LoadSummary:
        summary = self.summary
        changed = summary.loaded or summary.replaced
        if not changed and not summary.rejects and self.db.exists():
            return summary  # nothing to record: the database stays exactly as it was
        self._open()
        assert self.con is not None
        self._flush()
        self._wait_for_writes()
        if self.replaced_ids:
            self.con.execute("CREATE OR REPLACE TEMP TABLE replaced (report_id INTEGER)")
            self.con.executemany(
                "INSERT INTO replaced VALUES (?)", [[i] for i in self.replaced_ids]
            )
            for table in TABLE_NAMES:
                self.con.execute(
                    f"DELETE FROM {table} WHERE report_id IN (SELECT report_id FROM replaced)"
                )
        first_new_id = self.id_offset + 1
        recompute_cross_year(self.con, first_new_id, self.started_at)
        summary.findings_by_rule = Counter(
            {
                (rule, severity): count
                for rule, severity, count in self.con.execute(
                    # This load's reports, and the cross-year findings they caused.
                    "SELECT rule, severity, count(*) FROM findings WHERE report_id >= ? "
                    "OR (origin = 'cross_year' AND report_id IN (SELECT report_id FROM affected)) "
                    "GROUP BY ALL",
                    [first_new_id],
                ).fetchall()
            }
        )
        rebuild_agencies(self.con)
        self._record_run(inputs)
        summary.data_version = write_build_info(self.con, datetime.now())
        self.con.execute("CHECKPOINT")
        self.con.close()
        self.con = None
        swap_in(self.temp, self.db)
        return summary

    def _record_run(self, inputs: list[str]) -> None:
        assert self.con is not None
        (run_id,) = self.con.execute(
            "SELECT coalesce(max(run_id), 0) + 1 FROM load_runs"
        ).fetchone()
        s = self.summary
        self.con.execute(
            "INSERT INTO load_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                self.started_at,
                datetime.now(),
                __version__,
                inputs,
                self.replace,
                s.read,
                s.loaded,
                s.unchanged,
                s.replaced,
                len(s.rejects),
            ],
        )
        if s.rejects:
            self.con.executemany(
                "INSERT INTO rejects VALUES (?, ?, ?)",
                [[run_id, reject.file, reject.reason] for reject in s.rejects],
            )

    def discard(self) -> None:
        """Drop the unfinished file of a load that failed or had nothing to write."""
        self.writer.shutdown(wait=True)
        if self.con is not None:
            self.con.close()
            self.con = None
        self.temp.unlink(missing_ok=True)
        self.temp.with_name(self.temp.name + ".wal").unlink(missing_ok=True)
