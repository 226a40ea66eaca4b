"""The checked-in JSON Schema is the model's, and every report we write obeys it."""

from __future__ import annotations

import json

import jsonschema
import pytest

from etl.cli import SCHEMA_PATH
from etl.model import Report, report_json_schema
from etl.reports import BUNDLED_REPORTS, load_report
from tests.conftest import COMPLETE_TEXT_REPORTS, PARTIAL_TEXT_REPORTS, parsed, raw_path

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_checked_in_schema_matches_the_model() -> None:
    assert report_json_schema() == SCHEMA, "run `python -m etl schema` and commit the result"


@pytest.mark.parametrize("stem", COMPLETE_TEXT_REPORTS + PARTIAL_TEXT_REPORTS)
def test_extracted_reports_obey_the_schema(stem: str) -> None:
    document = json.loads(parsed(stem).to_json())
    jsonschema.validate(document, SCHEMA)
    assert Report.model_validate(document) == parsed(stem)


def test_schema_rejects_a_bare_number_cell() -> None:
    document = json.loads(parsed("2024_huaian_shi").to_json())
    document["applications"]["granted"]["total"] = 1362
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)


@pytest.mark.parametrize("stem", COMPLETE_TEXT_REPORTS)
def test_bundled_data_is_what_the_parser_produces(stem: str) -> None:
    bundled = load_report(BUNDLED_REPORTS / f"{stem}.json")
    assert bundled == parsed(stem), (
        f"regenerate data/reports/{stem}.json from {raw_path(stem).name}"
    )
    assert bundled.source.file == raw_path(stem).name
