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


def test_synth_arguments_are_checked_before_anything_is_made(tmp_path) -> None:
    for args, message in (
        (["--reports", "-5"], "argument --reports: 应为非负整数，而不是 '-5'"),
        (["--reports", "5", "--error-rate", "2"], "应为 0 到 1 之间的小数，而不是 '2'"),
    ):
        result = run_cli("synth", *args, "--out", str(tmp_path / "out"))
        assert result.returncode == 2
        assert message in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_synth_files_load_as_the_same_reports_as_synth_into_a_database(tmp_path) -> None:
    folder, db = tmp_path / "json", tmp_path / "direct.duckdb"
    assert run_cli("synth", "--reports", "40", "--seed", "5", "--out", str(folder)).returncode == 0
    assert run_cli("synth", "--reports", "40", "--seed", "5", "--out", str(db)).returncode == 0
    result = run_cli("load", str(folder), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "数据库没有变化。" in result.stdout
