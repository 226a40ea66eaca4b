"""数据导入: uploaded files kept, unpacked and loaded by an administrator.

Every upload of a sitting is kept in its own folder under the imports folder
(beside the database, or ``XXGK_IMPORTS``): the loader records each report's
file, so the file a figure was read from stays where the record says. A
``.zip`` of reports is unpacked there, its entries' names made safe and its
sizes bounded as it is read (what an archive says of itself is not trusted);
a ``.zip`` of page pictures stays whole, as one scanned report. Loading goes
through the same loader as ``python -m etl load`` — atomic, so open pages see
the old data or the new — and only for an administrator (app/admin.py).
"""

from __future__ import annotations

import io
import os
import re
import secrets
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

import pandas as pd
import streamlit as st

from app.admin import require_admin
from app.db import query
from etl.db.atomic import LoadError
from etl.db.flatten import PreparedChunk, Reject
from etl.db.inputs import REPORT_SUFFIXES, input_files, prepared_chunks
from etl.db.load import (
    CONFLICT,
    LOADED,
    REJECTED,
    REPLACED,
    UNCHANGED,
    LoadSummary,
    Outcome,
    load_chunks,
)
from etl.db.register import RegisterMatch, store_register
from etl.files import DAMAGED_ZIP_ERRORS, MAX_INPUT_BYTES
from etl.readers.image import is_page_archive
from etl.register import read_register

IMPORTS_ENV = "XXGK_IMPORTS"
MAX_UPLOAD_MB = 100  # per file; also server.maxUploadSize in .streamlit/config.toml
MAX_ARCHIVE_FILES = 2_000  # a region's reports for a year, with room to spare
MAX_UNPACKED_BYTES = 2 * 1024**3  # all archives of one sitting, unpacked
MAX_NAME_CHARS = 120
_BLOCK = 1024 * 1024
# Files a zip made on a PC or a Mac carries beside the reports: not the user's.
_CLUTTER = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)", re.I)
_UNSAFE_CHARACTERS = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\/]')

Progress = Callable[[int, int, str], None]  # (files read, files in all, the latest one)


def imports_folder(db: Path) -> Path:
    """Where uploads are kept: ``XXGK_IMPORTS``, or ``imports`` beside the database."""
    configured = os.environ.get(IMPORTS_ENV)
    return Path(configured) if configured else db.parent / "imports"


def sitting_folder(db: Path) -> Path:
    """A new folder for one sitting's uploads, named by when it began."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = imports_folder(db) / f"{stamp}-{secrets.token_hex(2)}"
    folder.mkdir(parents=True)
    return folder


@dataclass
class Unpacked:
    files: list[Path]  # the loader's inputs, in the order uploaded
    refused: list[Reject]  # what was uploaded but is no input, and why


def safe_name(name: str) -> str:
    """One path part as a file name that is only that: no folders, no
    control characters, nothing Windows cannot hold, not too long."""
    cleaned = _UNSAFE_CHARACTERS.sub("_", name).strip(" .")
    if not cleaned:
        return "未命名"
    if len(cleaned) > MAX_NAME_CHARS:
        stem, suffix = os.path.splitext(cleaned)
        cleaned = stem[: MAX_NAME_CHARS - len(suffix)] + suffix
    return cleaned


def unpack(uploads: Iterable[tuple[str, bytes]], folder: Path) -> Unpacked:
    """Write each upload into ``folder``: a file as it is, a zip of reports as
    its entries (in their folders), each under a safe name."""
    result = Unpacked([], [])
    budget = [MAX_UNPACKED_BYTES]
    for name, data in uploads:
        target = _free_path(folder / safe_name(PurePosixPath(name.replace("\\", "/")).name))
        if target.suffix.lower() == ".zip" and not is_page_archive(data):
            _unpack_archive(data, name, target.with_suffix(""), result, budget)
            continue
        target.write_bytes(data)
        result.files.append(target)
    return result


def _free_path(path: Path) -> Path:
    """``path``, or the same name numbered when something holds it already."""
    number = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}（{number}）{path.suffix}")
        number += 1
    return candidate


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its maker wrote it: a zip made on a Chinese Windows
    stores GBK names without saying so, which zipfile reads as CP437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _unpack_archive(
    data: bytes, name: str, folder: Path, result: Unpacked, budget: list[int]
) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except DAMAGED_ZIP_ERRORS as error:
        result.refused.append(Reject(name, f"压缩包已损坏，无法打开（{type(error).__name__}）"))
        return
    folder = _free_path(folder)
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        entries = [info for info in entries if not _CLUTTER.search(_entry_name(info))]
        if len(entries) > MAX_ARCHIVE_FILES:
            result.refused.append(
                Reject(
                    name,
                    f"压缩包里有 {len(entries):,} 个文件，超过 {MAX_ARCHIVE_FILES:,} "
                    "个的上限，请分成几个压缩包上传",
                )
            )
            return
        written: list[Path] = []
        for info in entries:
            shown = f"{folder.name}/{_entry_name(info)}"  # where its neighbours are shown
            problem = _entry_problem(info, _entry_name(info))
            if problem is None:
                target = _entry_path(folder, _entry_name(info))
                problem = _extract(archive, info, target, budget)
                if problem is None:
                    written.append(target)
            if problem is not None:
                result.refused.append(Reject(shown, problem))
        if written:
            # Page pictures in a folder of the archive are one scanned report.
            result.files += input_files([folder])


def _entry_problem(info: zipfile.ZipInfo, name: str) -> str | None:
    if info.flag_bits & 0x1:
        return "文件已加密，无法读取；请上传未加密的压缩包"
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in REPORT_SUFFIXES:
        return f"不是报告文件（扩展名“{suffix or '无'}”），未读取"
    return None


def _entry_path(folder: Path, name: str) -> Path:
    """Where an entry goes: its folders kept, each part made safe, so no name
    (``../x``, ``/etc/x``, ``C:\\x``) can reach outside ``folder``."""
    parts = [part for part in name.replace("\\", "/").split("/") if part not in ("", ".", "..")]
    target = folder.joinpath(*[safe_name(part) for part in parts] or ["未命名"])
    target.parent.mkdir(parents=True, exist_ok=True)
    return _free_path(target)


def _extract(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: list[int]
) -> str | None:
    """Copy one entry out, counting the bytes as they come; why not, or None."""
    size = 0
    try:
        with archive.open(info) as entry, target.open("wb") as out:
            while block := entry.read(_BLOCK):
                size += len(block)
                if size > MAX_INPUT_BYTES:
                    raise _TooLarge(
                        f"解压后超过 {MAX_INPUT_BYTES // _BLOCK} MB 的上限，不像年度报告，未读取"
                    )
                if size > budget[0]:
                    raise _TooLarge(
                        f"本次上传的压缩包解压后超过 {MAX_UNPACKED_BYTES // 1024**3} GB，"
                        "其余文件未读取；请分批上传"
                    )
                out.write(block)
    except _TooLarge as error:
        target.unlink(missing_ok=True)
        return str(error)
    except DAMAGED_ZIP_ERRORS as error:
        target.unlink(missing_ok=True)
        return f"压缩包中的这个文件已损坏，无法解压（{type(error).__name__}）"
    budget[0] -= size
    return None


class _TooLarge(Exception):
    pass


def load_uploads(
    files: list[Path], db: Path, on_progress: Progress, replace: bool = False
) -> LoadSummary:
    """Read ``files`` and load them into ``db`` as ``python -m etl load`` does,
    telling ``on_progress`` after each file. Administrators only."""
    require_admin()
    with prepared_chunks(files) as chunks:
        return load_chunks(
            _counted(chunks, len(files), on_progress), db, replace, inputs=[str(f) for f in files]
        )


def _counted(
    chunks: Iterator[PreparedChunk], total: int, on_progress: Progress
) -> Iterator[PreparedChunk]:
    done = 0
    on_progress(done, total, "")
    for chunk in chunks:
        yield chunk
        done += len(chunk.items)
        latest = chunk.items[-1]
        on_progress(done, total, latest.file if isinstance(latest, Reject) else latest.input_file)


def discard(path: Path) -> None:
    """An upload the administrator chose not to load: removed from its sitting."""
    require_admin()
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def import_register(path: Path, db: Path) -> RegisterMatch:
    """Make the register file at ``path`` the database's 应报名录. Administrators only."""
    require_admin()
    return store_register(read_register(path), db, path.name)


STATUS_LABELS = {
    LOADED: "新增",
    UNCHANGED: "未变",
    REPLACED: "已更新（同一源文件重新读取）",
    CONFLICT: "与已载入的不同：需确认替换",
    REJECTED: "拒收",
}
CONFIRMED = "已替换"  # a CONFLICT the administrator then let replace the stored report
KEPT = "未替换（保留已载入的）"  # a CONFLICT he chose not to load
# The page's counts, each over the labels it counts.
COUNTED = {
    "新增": (STATUS_LABELS[LOADED], STATUS_LABELS[REPLACED]),
    "未变": (STATUS_LABELS[UNCHANGED],),
    "需确认替换": (STATUS_LABELS[CONFLICT],),
    "已替换": (CONFIRMED,),
    "未替换": (KEPT,),
    "拒收": (STATUS_LABELS[REJECTED],),
}


@dataclass
class Sitting:
    """One sitting's uploads and what became of each, as the page lists them."""

    folder: Path
    outcomes: list[Outcome]
    status: list[str]  # the label shown for each outcome, changed by confirmations

    def table(self) -> pd.DataFrame:
        def counted(values: list[int]) -> pd.api.extensions.ExtensionArray:
            # A file refused before it was read has no counts, not zero.
            read = [o.agency_name is not None for o in self.outcomes]
            return pd.array([v if r else None for v, r in zip(values, read, strict=True)],
                            dtype="Int64")  # fmt: skip

        return pd.DataFrame(
            {
                "文件": [self.shown(o.input_file) for o in self.outcomes],
                "结果": self.status,
                "机关": [o.agency_name for o in self.outcomes],
                "年度": pd.array([o.year for o in self.outcomes], dtype="Int64"),
                "说明": [self.plain(o.reason) for o in self.outcomes],
                "错误": counted([o.errors for o in self.outcomes]),
                "提示": counted([o.warnings for o in self.outcomes]),
            }
        )

    def shown(self, input_file: str) -> str:
        """A file as the administrator uploaded it: its place in the sitting."""
        path = Path(input_file)
        return (
            str(path.relative_to(self.folder)) if path.is_relative_to(self.folder) else input_file
        )

    def plain(self, text: str) -> str:
        """``text`` with the server's folders left out of the files it names:
        this sitting's by the upload's own name, an earlier one's by its date."""
        text = text.replace(f"{self.folder}{os.sep}", "")
        return text.replace(f"{self.folder.parent}{os.sep}", "此前导入的 ")

    def counts(self) -> dict[str, int]:
        """Outcomes as they stand now, confirmations included."""
        return {label: sum(status in shown for status in self.status)
                for label, shown in COUNTED.items()}  # fmt: skip


def sitting(folder: Path, unpacked: Unpacked, summary: LoadSummary) -> Sitting:
    """The sitting's outcomes: what was refused before reading, then each input's."""
    outcomes = [Outcome(r.file, REJECTED, r.reason) for r in unpacked.refused] + summary.outcomes
    return Sitting(folder, outcomes, [STATUS_LABELS[o.status] for o in outcomes])


# The outcome table's columns at 1280 px: 说明 in view, the counts after it.
RESULT_WIDTHS = {
    "文件": st.column_config.TextColumn(width=230),
    "结果": st.column_config.TextColumn(width=190),
    "机关": st.column_config.TextColumn(width=150),
    "年度": st.column_config.NumberColumn(width=55, format="%d"),
    "说明": st.column_config.TextColumn(width=300),
    "错误": st.column_config.NumberColumn(width=50, format="localized"),
    "提示": st.column_config.NumberColumn(width=50, format="localized"),
}
COUNT_HELP = {
    "新增": "新载入数据库的报告（含同一源文件重新读取后更新的）",
    "未变": "与数据库中已有的报告内容相同，未改动",
    "需确认替换": "该机关该年度已载入内容不同的报告，等待您确认是否替换",
    "已替换": "您确认后替换了已载入报告的",
    "未替换": "您选择保留已载入报告、未载入的",
    "拒收": "无法读取或不能载入的文件，原因见“说明”",
}


def unmatched_table(match: RegisterMatch) -> pd.DataFrame:
    """Register rows no stored report matches."""
    rows = match.unmatched_entries
    columns = ("名录行号", "机关名称", "机关编号")
    return pd.DataFrame({name: [row[i] for row in rows] for i, name in enumerate(columns)})


def unlisted_table(match: RegisterMatch) -> pd.DataFrame:
    """Agencies with reports the register lacks."""
    rows = match.unlisted_agencies
    return pd.DataFrame({"机关名称": [r[1] for r in rows], "机关编号": [r[0] for r in rows]})


def stored_counts(agency_id: str, year: int) -> tuple[int, int] | None:
    """The (errors, warnings) of the report stored for an agency and year."""
    rows = query(
        "SELECT errors, warnings FROM reports WHERE agency_id = ? AND year = ?", (agency_id, year)
    )
    return None if rows.empty else (int(rows.errors.iloc[0]), int(rows.warnings.iloc[0]))


def register_size() -> int:
    """How many agencies the register now lists (0 in a new database)."""
    try:
        return int(query("SELECT count(*) AS n FROM register").n.iloc[0])
    except LoadError:
        return 0  # no database yet: the register starts it
