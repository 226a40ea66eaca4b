"""The canonical report (canonical-report.md, version 1) as typed models.

pydantic v2 rather than msgspec: it generates the JSON Schema we check in,
and its validation errors carry the path of the offending key, which the
loader quotes when it rejects a file. Parsing speed is dominated by text
matching, not by model construction, so msgspec's speed would not show.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    field_validator,
    model_validator,
)
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from etl import template

SCHEMA_VERSION = "1"
# The first reports were for 2008, when the 政府信息公开条例 took effect.
FIRST_REPORT_YEAR = 2008

Severity = Literal["error", "warning"]
Level = Literal["central", "province", "city", "county", "township"]
Kind = Literal["government", "department", "other"]
ReportFormat = Literal["2021", "2019"]

ApplicantColumn = Literal[
    "natural_person", "commercial", "research", "public_interest", "legal_service", "other_org",
    "total",
]  # fmt: skip
ApplicationRow = Literal[
    "new_received", "carried_over", "granted", "partially_granted",
    "withheld_state_secret", "withheld_prohibited_by_law", "withheld_security_stability",
    "withheld_third_party", "withheld_internal_affairs", "withheld_process_info",
    "withheld_enforcement_file", "withheld_admin_query",
    "unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear",
    "declined_petition", "declined_duplicate", "declined_publication", "declined_excessive",
    "declined_confirmation",
    "other_no_correction", "other_fee_unpaid", "other_other", "other_handling",
    "total_processed", "carried_forward",
]  # fmt: skip
ReviewGroup = Literal["administrative_review", "litigation_direct", "litigation_after_review"]
ReviewColumn = Literal["upheld", "corrected", "other", "pending", "total"]
ProactiveItemKey = Literal[
    "regulations", "normative_documents", "licensing", "other_services", "penalty", "coercion",
    "fees", "procurement",
]  # fmt: skip
ProactiveColumn = Literal[
    "issued", "repealed", "in_force", "decisions", "amount_10k_yuan",
    "new_made", "new_published", "total_published", "prev_items", "change", "items", "amount",
]  # fmt: skip
HeadlineKey = Literal["proactive_items", "fee_yuan"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


PositiveInt = Annotated[int, Field(ge=1)]


# A box on a scanned page: left, top, right, bottom, in pixels of the page image.
PixelBox = Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=4, max_length=4)]
Confidence = Annotated[float, Field(ge=0, le=1)]


class Location(TypedDict, total=False):
    """Where a figure was read: enough for a person to find it in the original.
    Only the keys the input has are present (a text has lines, no pages; only a
    scan has boxes and confidences); a plain mapping rather than a model, since
    every cell carries one."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]

    line: PositiveInt
    page: PositiveInt
    table: PositiveInt
    row: PositiveInt
    col: PositiveInt
    box: PixelBox
    # The OCR engine's confidence in the figure: its least certain character.
    confidence: Confidence


# A figure is a whole count or a finite amount; never true/false, NaN or infinity.
Figure = StrictInt | Annotated[StrictFloat, Field(allow_inf_nan=False)]


class NumberCell(TypedDict):
    """A cell where a figure was printed: its value, the text it was read from, and where."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]

    value: Figure
    raw: str
    status: Literal["number"]
    at: Location


class EmptyCell(TypedDict):
    """A cell without a figure — blank, a dash, or text — kept apart from a printed 0."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]

    value: None
    raw: str
    status: Literal["blank", "dash", "text"]
    at: Location


# One table cell, as plain data (cells are the bulk of a report, and mappings
# validate several times faster than models). The status decides which shape
# applies, so a value can never stand beside a non-number status.
Cell = Annotated[NumberCell | EmptyCell, Field(discriminator="status")]


class Parser(_Strict):
    name: str
    version: str


class Source(_Strict):
    file: str
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    media_type: str
    url: str | None = None
    fetched_at: str | None = None  # when `etl fetch` downloaded it, ISO-8601 UTC
    published_on: str | None = None  # YYYY-MM-DD
    published_on_from: str | None = None  # where it was read: 「发布日期」（第 3 行）, 落款日期 …
    parser: Parser


class Agency(_Strict):
    name: Annotated[str, Field(min_length=1)]
    id: Annotated[str, Field(min_length=1)]
    province: str | None
    city: str | None
    county: str | None
    adcode: Annotated[str, Field(pattern=r"^\d{6}$")] | None
    level: Level | None
    kind: Kind


class Narrative(_Strict):
    overview: str | None
    problems: str | None
    other: str | None


# A finding's message quotes what was printed; a hostile line could make it
# megabytes long, which every page and export would then carry.
MAX_MESSAGE_CHARS = 1_000


class Finding(_Strict):
    rule: str
    severity: Severity
    message: str
    cells: list[str]
    expected: int | float | str | None = None
    actual: int | float | str | None = None

    @field_validator("message")
    @classmethod
    def _cut_long_message(cls, message: str) -> str:
        if len(message) <= MAX_MESSAGE_CHARS:
            return message
        return message[: MAX_MESSAGE_CHARS - 1] + "…"


ApplicantCells = dict[ApplicantColumn, Cell]
ReviewCells = dict[ReviewColumn, Cell]


class Report(_Strict):
    schema_version: Literal["1"] = SCHEMA_VERSION
    agency: Agency
    year: Annotated[int, Field(ge=FIRST_REPORT_YEAR, le=2100)]
    format: ReportFormat
    scope: Literal["self", "region"] | None = None
    source: Source
    synthetic: bool = False
    narrative: Narrative
    headline: dict[HeadlineKey, Cell] = Field(default_factory=dict)
    proactive: dict[ProactiveItemKey, dict[ProactiveColumn, Cell]] = Field(default_factory=dict)
    applications: dict[ApplicationRow, ApplicantCells] = Field(default_factory=dict)
    review_litigation: dict[ReviewGroup, ReviewCells] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)
    # Each figure of a scan flagged cells.ocr_uncertain, as scanned (PNG, base64),
    # keyed by its cell's path, so a person can read it where the report is shown.
    # Left out of the JSON when empty: a report that is no scan is written as before.
    crops: dict[str, str] = Field(default_factory=dict, exclude_if=lambda crops: not crops)

    @model_validator(mode="after")
    def _tables_fit_template(self) -> Report:
        items = {item.key: item.columns for item in template.PROACTIVE_ITEMS[self.format]}
        for key, cells in self.proactive.items():
            if key not in items:
                raise ValueError(f"proactive.{key} is not in the {self.format} template")
            if set(cells) != set(items[key]):
                raise ValueError(f"proactive.{key} must have the columns {list(items[key])}")
        for key, cells in self.applications.items():
            if set(cells) != set(template.APPLICANT_COLUMNS):
                raise ValueError(f"applications.{key} must have all seven applicant columns")
        if "other_handling" in self.applications and any(
            key in self.applications for key in template.OTHER_SUB_ROWS
        ):
            raise ValueError("applications has both other_handling and the other_* sub-rows")
        for key, cells in self.review_litigation.items():
            if set(cells) != set(template.REVIEW_COLUMNS):
                raise ValueError(f"review_litigation.{key} must have all five columns")
        return self

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


def report_json_schema() -> dict:
    """The JSON Schema of the canonical report, as checked in under etl/."""
    schema = Report.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Canonical government information disclosure annual report, version 1"
    return schema
