"""Canonical report JSON files: reading one, and the bundled set in data/reports."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from etl.errors import ExtractionError
from etl.files import read_bytes
from etl.model import Report

BUNDLED_REPORTS = Path(__file__).resolve().parent.parent / "data" / "reports"


def load_report(path: Path) -> Report:
    """A canonical report from a JSON file, or an error naming the file and the key at fault."""
    return parse_report_json(read_bytes(path), str(path))


def parse_report_json(data: bytes, file: str) -> Report:
    """A canonical report from JSON text; errors name ``file`` and the key at fault."""
    try:
        return Report.model_validate_json(data)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "（顶层）"
        raise ExtractionError(
            file,
            f"不是有效的报告 JSON：{where}：{problem['msg']}（共 {error.error_count()} 处）",
        ) from error


def bundled_reports(folder: Path = BUNDLED_REPORTS) -> list[Report]:
    """Every canonical report shipped with the project, by agency and year."""
    reports = [load_report(path) for path in sorted(folder.glob("*.json"))]
    return sorted(reports, key=lambda report: (report.agency.id, report.year))
