"""``python -m etl parse``: the canonical JSON on stdout or in a file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import parsed, raw_path, run_cli


def test_parse_prints_the_canonical_json() -> None:
    result = run_cli("parse", str(raw_path("2023_huaian_hongzequ")))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema_version"] == "1"
    assert document["agency"]["adcode"] == "320813"
    assert document["source"]["file"] == "2023_huaian_hongzequ.txt"
    assert document["applications"]["new_received"]["total"] == {
        "value": 21,
        "raw": "21",
        "status": "number",
        "at": {"line": 97},
    }
    assert [f["rule"] for f in document["findings"]] == ["review_litigation.total"] * 2


def test_parse_out_writes_the_same_json(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_cli("parse", str(raw_path("2024_huaian_shi")), "--out", str(out))
    assert result.returncode == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8") == parsed("2024_huaian_shi").to_json() + "\n"


def test_schema_check_passes_on_the_checked_in_schema() -> None:
    result = run_cli("schema", "--check")
    assert result.returncode == 0
    assert result.stdout.strip() == "report.schema.json is current"
