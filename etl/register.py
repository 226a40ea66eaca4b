"""The register of who must report (应报名录), read from the sheet an office keeps.

One row an agency, headers in the first row in any order (TEMPLATE_HEADERS):
机关名称 (required), 机关编号, 地区, 层级, 机关类型, 起始年度, 截止年度. Each row
is resolved to the 机关编号 its reports get (etl/agency.py): the one written in
the sheet, else the one its name gives — with 地区 put before a name that
does not say where it is (发展和改革局 in 江苏省宿迁市沭阳县). A register is
read whole or refused: any bad row is a clear error naming the file, the row
and the column, and nothing is stored.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from etl.agency import KIND_LABELS, LEVEL_LABELS, resolve_agency
from etl.decode import decode_text
from etl.errors import ExtractionError
from etl.files import read_bytes
from etl.model import FIRST_REPORT_YEAR
from etl.readers.docx import unpacks_within_limits

TEMPLATE_HEADERS = ("机关名称", "机关编号", "地区", "层级", "机关类型", "起始年度", "截止年度")
# Sheet words for a level or kind: the app's labels, a shorter form, or the code itself.
LEVELS = {label: code for code, label in LEVEL_LABELS.items()} | {"乡镇": "township"}
KINDS = {label: code for code, label in KIND_LABELS.items()} | {"部门": "department"}
MAX_ROWS = 100_000  # a province's every agency is some tens of thousands
_LAST_YEAR = 2100


@dataclass(frozen=True)
class RegisterEntry:
    row: int  # the row in the sheet (the headers are row 1)
    name: str
    agency_id: str
    region: str | None  # as written in the sheet
    province: str | None  # where the agency is, as its name (and 地区) resolve
    city: str | None
    county: str | None
    level: str | None  # etl.model's codes: central, province, city, county, township
    kind: str
    first_year: int | None  # the first year it must report (None: every year)
    last_year: int | None  # the last (None: still reporting)


def read_register(path: Path) -> list[RegisterEntry]:
    """The register in ``path`` (.xlsx, or .csv in UTF-8 or GB18030)."""
    file = str(path)
    rows = _sheet_rows(read_bytes(path), file)
    if not rows:
        raise ExtractionError(file, "名录是空的：第一行应为表头（机关名称、机关编号、地区……）")
    headers = [cell.strip() for cell in rows[0]]
    if "机关名称" not in headers:
        raise ExtractionError(
            file, f"第 1 行缺少「机关名称」列（表头应为：{'、'.join(TEMPLATE_HEADERS)}）"
        )
    unknown = [h for h in headers if h and h not in TEMPLATE_HEADERS]
    if unknown:
        raise ExtractionError(
            file,
            f"第 1 行有不认识的列：{'、'.join(unknown)}（可用：{'、'.join(TEMPLATE_HEADERS)}）",
        )
    if len(rows) - 1 > MAX_ROWS:
        raise ExtractionError(file, f"名录有 {len(rows) - 1:,} 行，超过 {MAX_ROWS:,} 行的上限")
    entries: list[RegisterEntry] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        values = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(headers) if h}
        if not any(values.values()):
            continue  # a blank line
        entry = _entry(values, number, file)
        if entry.agency_id in seen:
            raise ExtractionError(
                file,
                f"第 {number} 行「{entry.name}」与第 {seen[entry.agency_id]} 行是同一机关"
                f"（机关编号 {entry.agency_id}），请只保留一行",
            )
        seen[entry.agency_id] = number
        entries.append(entry)
    return entries


def _entry(values: dict[str, str], row: int, file: str) -> RegisterEntry:
    def bad(column: str, why: str) -> ExtractionError:
        return ExtractionError(file, f"第 {row} 行「{column}」{why}")

    name = values.get("机关名称", "")
    if not name:
        raise bad("机关名称", "为空")
    region = values.get("地区") or None
    agency = resolve_agency(name)
    if agency.adcode is None and region and not name.startswith(region):
        agency = resolve_agency(region + name)
    level = _coded(values.get("层级", ""), LEVELS) if values.get("层级") else agency.level
    if values.get("层级") and level is None:
        raise bad("层级", f"“{values['层级']}”应为 {'、'.join(LEVELS)} 之一")
    kind = _coded(values.get("机关类型", ""), KINDS) if values.get("机关类型") else agency.kind
    if kind is None:
        raise bad("机关类型", f"“{values['机关类型']}”应为 {'、'.join(KINDS)} 之一")
    first, last = (
        _year(values.get(column, ""), column, bad) for column in ("起始年度", "截止年度")
    )
    if first is not None and last is not None and last < first:
        raise bad("截止年度", f"{last} 早于起始年度 {first}")
    return RegisterEntry(
        row=row,
        name=name,
        agency_id=values.get("机关编号") or agency.id,
        region=region,
        province=agency.province,
        city=agency.city,
        county=agency.county,
        level=level,
        kind=kind,
        first_year=first,
        last_year=last,
    )


def _coded(text: str, codes: dict[str, str]) -> str | None:
    return codes.get(text) or (text if text in codes.values() else None)


def _year(text: str, column: str, bad) -> int | None:
    if not text:
        return None
    digits = text.removesuffix("年度").removesuffix("年").removesuffix(".0")
    if not (digits.isdigit() and FIRST_REPORT_YEAR <= int(digits) <= _LAST_YEAR):
        raise bad(column, f"“{text}”应为 {FIRST_REPORT_YEAR} 至 {_LAST_YEAR} 之间的年份")
    return int(digits)


def _sheet_rows(data: bytes, file: str) -> list[list[str]]:
    """The sheet's rows as text: an Excel workbook's first sheet, or a CSV."""
    if data.startswith(b"PK"):
        return _workbook_rows(data, file)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExtractionError(file, "这是旧版 Excel（.xls）文件：请另存为 .xlsx 或 CSV 后再导入")
    text = decode_text(data, file)
    return [row for row in csv.reader(io.StringIO(text))]


def _workbook_rows(data: bytes, file: str) -> list[list[str]]:
    from openpyxl import load_workbook  # only a workbook needs it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if not unpacks_within_limits(archive):
                raise ExtractionError(file, "Excel 文件解压后过大，已拒绝读取")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ExtractionError:
        raise
    except Exception as error:  # zipfile and openpyxl raise many kinds on damaged files
        raise ExtractionError(file, f"不是可读取的 Excel（.xlsx）文件（{error}）") from error
    sheet = book.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(["" if value is None else _cell_text(value) for value in row])
        if len(rows) > MAX_ROWS + 1:
            break
    book.close()
    return rows


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps 2024 as 2024.0
    return str(value)


# What each column of the template asks for, shown on its second sheet.
TEMPLATE_HELP = {
    "机关名称": "必填。机关全称，如“淮安市洪泽区人民政府”；报告中写法不同的按机关编号匹配",
    "机关编号": "可空。本系统的机关编号（如“320813-人民政府”，见机关档案）；空则按名称推断",
    "地区": "可空。名称中没有地名时写上（如“江苏省宿迁市沭阳县”，名称写“发展和改革局”）",
    "层级": f"可空。{'、'.join(LEVEL_LABELS.values())}；空则按名称推断",
    "机关类型": f"可空。{'、'.join(KIND_LABELS.values())}；空则按名称推断",
    "起始年度": "可空。应开始报告的第一个年度（机关设立当年）；空则每年都应报告",
    "截止年度": "可空。应报告的最后一个年度（机关撤并前）；空则至今",
}


def register_template() -> bytes:
    """An empty register to fill in (.xlsx): the headers on the first sheet,
    what each column asks for on the second."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "border": 1})
    sheet = book.add_worksheet("应报名录")
    for column, header in enumerate(TEMPLATE_HEADERS):
        sheet.write(0, column, header, bold)
        sheet.set_column(column, column, 30 if header in ("机关名称", "地区") else 14)
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet("填写说明")
    notes.write_row(0, 0, ["列", "填写说明"], bold)
    for row, (header, text) in enumerate(TEMPLATE_HELP.items(), start=1):
        notes.write_row(row, 0, [header, text])
    notes.set_column(0, 0, 12)
    notes.set_column(1, 1, 90)
    book.close()
    return buffer.getvalue()
