"""One scanned page to Word-table text: its prose lines and its ruled tables, top to bottom.

The page is first turned upright (etl/ocr/pixels.py), its ruled tables found
by their rulings (etl/ocr/grid.py), and every table cell read on its own: the
cell's ink, rulings taken out and specks of dust dropped, is cut into its text
lines, and each line is read by the engine. The text outside the tables is
found by the engine's detector on the page with the tables blanked out, and
read line by line. Tables go through ``write_ruled_table`` as a PDF's ruled
tables do, so the parser sees a scan exactly as it sees a PDF; every line
keeps its box on the scan as received and each character's confidence.
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass

import cv2
import numpy as np

from etl.errors import ExtractionError
from etl.ocr import engine
from etl.ocr.grid import Box, RuledTable, find_tables, rulings
from etl.ocr.pixels import Straightened, ink, pixels, skew_angle
from etl.ocr.vocabulary import snapped
from etl.table_text import RuledCell, ScannedText, TableTextWriter, write_ruled_table

# Text is found on a reduced copy of the page (about 120 dpi): as reliable for
# finding lines as the full page, and many times faster.
_DETECTION_DPI = 120
# Long lines are read in pieces of about this width-to-height ratio.
_PIECE_ASPECT = 8
_INK_CONTRAST = 60  # grey levels below the paper that are ink

# A page of a report holds a few dozen lines and a few hundred cells; far more
# is no report page, and reading it would take minutes.
MAX_LINES_PER_PAGE = 800
MAX_CELLS_PER_PAGE = 1500
_STROKE_BAND = 0.05  # inches: a band of ink rows this low is part of a character
_BAND_REACH = 0.08  # inches: ... and joins the nearest band this close
# Page numbers stand alone in the top or bottom tenth of a page.
_MARGIN = 0.1
_PAGE_NUMBER = re.compile(
    r"[-—–－\s]*(?:第\s*)?\d{1,3}\s*(?:页(?:\s*[,，/／]?\s*共\s*\d{1,3}\s*页)?)?[-—–－\s]*"
)
_CELL_MARGIN = 0.015  # inches of a cell's edge left out: what remains of its rulings
_SMALLEST_STROKE = 0.025  # inches: ink spots smaller both ways are dots, print or dust


@dataclass(frozen=True)
class _Line:
    """A line to read: its box on the upright page and its picture."""

    box: Box
    image: np.ndarray


def read_scanned_page(
    gray: np.ndarray, dpi: float, out: TableTextWriter, file: str, deadline: float
) -> None:
    """Lay out a grey page image (``dpi`` its resolution) into ``out``."""
    page = Straightened(gray, skew_angle(ink(gray, dpi)))
    page_ink = ink(page.gray, dpi)
    ruling_mask = rulings(page_ink, dpi)
    tables = find_tables(ruling_mask, dpi)
    text_ink = cv2.bitwise_and(page_ink, cv2.bitwise_not(_dilated(ruling_mask)))
    cell_lines = {
        (number, cell.box): _cell_lines(page.gray, text_ink, cell.box, dpi)
        for number, table in enumerate(tables)
        for cell in table.cells
    }
    if len(cell_lines) > MAX_CELLS_PER_PAGE:
        raise ExtractionError(
            file, f"第 {out.page} 页有 {len(cell_lines)} 个表格单元格，不像年度报告"
        )
    prose = _prose_lines(page.gray, tables, dpi)
    if len(prose) > MAX_LINES_PER_PAGE:
        raise ExtractionError(file, f"第 {out.page} 页有 {len(prose)} 行文字，不像年度报告")
    _check_time(deadline, file, out.page)
    to_read = [line for lines in cell_lines.values() for line in lines] + prose
    readings = dict(
        zip(
            (id(line) for line in to_read),
            engine.recognise([line.image for line in to_read]),
            strict=True,
        )
    )
    _check_time(deadline, file, out.page)

    def scanned(lines: list[_Line]) -> ScannedText | None:
        return _scanned_text(page, lines, [readings[id(line)] for line in lines])

    blocks: list[tuple[int, object]] = [(table.box[1], table) for table in tables]
    blocks += [(line[0].box[1], line) for line in _prose_rows(prose)]
    for _, block in sorted(blocks, key=lambda item: item[0]):
        if isinstance(block, RuledTable):
            number = tables.index(block)
            rows = [
                [
                    None if cell is None else _ruled_cell(scanned(cell_lines[number, cell.box]))
                    for cell in row
                ]
                for row in block.rows()
            ]
            write_ruled_table(rows, out)
        else:
            text = scanned(block)
            if text is not None and not _is_page_number(text, page.gray.shape[0]):
                out.text_line(text.text, text)


def _is_page_number(text: ScannedText, page_height: int) -> bool:
    """A number alone in the page's top or bottom margin (- 3 -, 第3页): layout, not text."""
    in_margin = text.box[3] < page_height * _MARGIN or text.box[1] > page_height * (1 - _MARGIN)
    return in_margin and _PAGE_NUMBER.fullmatch(text.text) is not None


def _check_time(deadline: float, file: str, page: int | None) -> None:
    if time.monotonic() > deadline:
        raise ExtractionError(file, f"文字识别超时（读到第 {page} 页），扫描件过大或过于复杂")


def _ruled_cell(text: ScannedText | None) -> RuledCell:
    return RuledCell("", None) if text is None else RuledCell(text.text, text)


def _dilated(mask: np.ndarray) -> np.ndarray:
    return cv2.dilate(mask, np.ones((3, 3), np.uint8))


def _cell_lines(gray: np.ndarray, text_ink: np.ndarray, box: Box, dpi: float) -> list[_Line]:
    """The text lines inside a table cell, top to bottom; none for an empty cell.

    A line's extent is that of its marks — strokes of characters and digits,
    not specks of dust — and all the ink inside it is read, so a decimal point
    between digits is always seen, while dust beside or under the text is not.
    """
    margin = pixels(_CELL_MARGIN, dpi)
    left, top, right, bottom = box[0] + margin, box[1] + margin, box[2] - margin, box[3] - margin
    if right <= left or bottom <= top:
        return []
    cell_ink = text_ink[top:bottom, left:right]
    marks = _marks(cell_ink, dpi)
    lines = []
    for band_top, band_bottom in _bands(marks.any(axis=1), dpi):
        columns = np.flatnonzero(marks[band_top:band_bottom].any(axis=0))
        first, last = int(columns[0]), int(columns[-1]) + 1
        line_box = (left + first, top + band_top, left + last, top + band_bottom)
        line_ink = cell_ink[band_top:band_bottom, first:last]
        lines.append(_Line(line_box, _line_image(gray, line_ink, line_box)))
    return lines


def _marks(cell_ink: np.ndarray, dpi: float) -> np.ndarray:
    """The ink of a cell's marks: spots as tall or as wide as a third of the
    cell's tallest mark, with ink enough for a stroke of that length (a cluster
    of specks has little). Dots — punctuation or dust — are not marks."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(cell_ink, connectivity=8)
    if count <= 1:
        return cell_ink
    widths, heights = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    third = max(pixels(_SMALLEST_STROKE, dpi), heights[1:].max() / 3)
    keep = (np.maximum(widths, heights) >= third) & (stats[:, cv2.CC_STAT_AREA] >= third**2 / 2)
    keep[0] = False
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def _bands(inked_rows: np.ndarray, dpi: float) -> list[tuple[int, int]]:
    """Runs of rows with ink; a run too low to be a line of text (a stroke of
    三 or 二) is joined to the nearest run within reach."""
    bands: list[list[int]] = []
    start = None
    for row, inked in enumerate([*inked_rows, False]):
        if inked and start is None:
            start = row
        elif not inked and start is not None:
            bands.append([start, row])
            start = None
    low, reach = pixels(_STROKE_BAND, dpi), pixels(_BAND_REACH, dpi)
    merged = True
    while merged and len(bands) > 1:
        merged = False
        for index, (top, bottom) in enumerate(bands):
            if bottom - top >= low:
                continue
            gaps = []
            if index > 0:
                gaps.append((top - bands[index - 1][1], index - 1))
            if index + 1 < len(bands):
                gaps.append((bands[index + 1][0] - bottom, index + 1))
            gap, other = min(gaps)
            if gap <= reach:
                first, second = sorted((index, other))
                bands[first] = [bands[first][0], bands[second][1]]
                del bands[second]
                merged = True
                break
    return [(top, bottom) for top, bottom in bands]


def _line_image(gray: np.ndarray, line_ink: np.ndarray, box: Box) -> np.ndarray:
    """The line as the engine likes it: dark text on white with a margin of
    white around it; what is not the line's ink (rulings, specks) is white."""
    left, top, right, bottom = box
    height = bottom - top
    crop = gray[top:bottom, left:right].astype(np.float32)
    paper = float(np.percentile(crop, 90)) or 255.0
    crop = np.clip(crop * (255.0 / paper), 0, 255).astype(np.uint8)
    near_ink = cv2.dilate(line_ink, np.ones((3, 3), np.uint8))
    crop[near_ink == 0] = 255
    pad_y, pad_x = max(2, height // 4), max(4, height // 3)
    return cv2.copyMakeBorder(crop, pad_y, pad_y, pad_x, pad_x, cv2.BORDER_CONSTANT, value=255)


def _prose_lines(gray: np.ndarray, tables: list[RuledTable], dpi: float) -> list[_Line]:
    """The text outside the tables, as the detector finds it: one _Line a box."""
    blanked = gray.copy()
    for table in tables:
        left, top, right, bottom = table.box
        blanked[top:bottom, left:right] = 255
    scale = min(1.0, _DETECTION_DPI / dpi)
    small = cv2.resize(blanked, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    height, width = gray.shape
    lines = []
    for box in engine.detect(small):
        left, top, right, bottom = (round(value / scale) for value in box)
        left, top = max(0, left), max(0, top)
        right, bottom = min(width, right), min(height, bottom)
        if right - left > 1 and bottom - top > 1:
            lines += _pieces(blanked, (left, top, right, bottom))
    return lines


def _pieces(gray: np.ndarray, box: Box) -> list[_Line]:
    """A long line cut between characters into pieces a few characters long:
    the recognition model's work grows faster than a line's length."""
    left, top, right, bottom = box
    height = bottom - top
    crop = gray[top:bottom, left:right]
    inked = (crop < np.percentile(crop, 90) - _INK_CONTRAST).sum(axis=0)
    cuts = [0]
    while (right - left) - cuts[-1] > _PIECE_ASPECT * height:
        target = cuts[-1] + _PIECE_ASPECT * height
        window = inked[target - height : target]  # the emptiest column in the last character
        cuts.append(target - height + int(np.argmin(window)))
    cuts.append(right - left)
    return [
        _Line((left + a, top, left + b, bottom), crop[:, a:b])
        for a, b in itertools.pairwise(cuts)
        if b > a
    ]


def _prose_rows(lines: list[_Line]) -> list[list[_Line]]:
    """The detector's boxes grouped into printed lines (a box whose middle is
    within a line's height is on that line), each left to right."""
    rows: list[list[_Line]] = []
    for line in sorted(lines, key=lambda line: line.box[1]):
        middle = (line.box[1] + line.box[3]) / 2
        for row in rows:
            if row[0].box[1] <= middle <= row[0].box[3]:
                row.append(line)
                break
        else:
            rows.append([line])
    return [sorted(row, key=lambda line: line.box[0]) for row in rows]


def _scanned_text(
    page: Straightened, lines: list[_Line], readings: list[engine.Reading]
) -> ScannedText | None:
    """Lines read side by side or one under another (a cell's), as one laid-out line."""
    characters: list[tuple[str, float]] = []
    previous: _Line | None = None
    for line, reading in zip(lines, readings, strict=True):
        if not reading.text:
            continue
        if previous is not None and _spaced(previous.box, line.box):
            characters.append((" ", 1.0))
        characters += zip(reading.text, reading.confidences, strict=True)
        previous = line
    if not lines:
        return None
    kept = _folded_characters(characters)  # none: a mark the engine could not read
    left = min(line.box[0] for line in lines)
    top = min(line.box[1] for line in lines)
    right = max(line.box[2] for line in lines)
    bottom = max(line.box[3] for line in lines)
    box = page.box_on_scan((left, top, right, bottom))
    margin = (bottom - top) // 2  # a little of what surrounds it, to read it by
    image = page.gray[
        max(0, top - margin) : bottom + margin, max(0, left - margin) : right + margin
    ].copy()
    text, confidences = snapped("".join(c for c, _ in kept), tuple(c for _, c in kept))
    return ScannedText(text, confidences, box, image)


def _spaced(before: Box, after: Box) -> bool:
    """Whether two boxes on one line stand apart by more than half a character."""
    height = max(before[3] - before[1], after[3] - after[1])
    return after[0] - before[2] > height / 2


def _folded_characters(characters: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Characters with whitespace folded as laid-out lines fold it, each keeping its confidence."""
    kept: list[tuple[str, float]] = []
    for char, confidence in characters:
        if char.isspace():
            if kept and kept[-1][0] != " ":
                kept.append((" ", confidence))
        else:
            kept.append((char, confidence))
    while kept and kept[-1][0] == " ":
        kept.pop()
    return kept
