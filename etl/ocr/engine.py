"""The OCR engine: PP-OCRv4 text detection and recognition, run by ONNX Runtime.

The models are those shipped inside the ``rapidocr-onnxruntime`` wheel
(Apache-2.0), so nothing is downloaded when a scan is read. The engine is
loaded once per process, on the first scan, and runs on one thread: ONNX
Runtime's threads spin while they wait, and on a shared machine (the loader's
worker processes, other sessions of the dashboard) more threads made reading
three times slower, not faster.

Recognition is asked for each character's confidence (the probability the
model gave the character it chose), not only the line's average: one unsure
digit in a confident line is what matters for a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from etl.errors import ExtractionError

MISSING_ENGINE = (
    "读取扫描件需要文字识别组件 rapidocr-onnxruntime（含 onnxruntime 和 OpenCV），"
    "请用 make 重新安装本项目的依赖"
)


# In a line that reads as nothing but figure characters — a table cell of
# figures — the model's uncertainty between a digit and the letter of the same
# shape (0 and o, 1 and l, 5 and S) is no uncertainty about the figure: such a
# line is read again over figure characters only, each counting the
# probability of its twins. 1 and 7, 3 and 8 stay apart: they are no twins.
_FIGURE_TWINS = {
    "0": "oO〇０",
    "1": "lI|丨１",
    "2": "Zz２",
    "3": "３",
    "4": "４",
    "5": "Ss５",
    "6": "b６",
    "7": "７",
    "8": "B８",
    "9": "gq９",
    ".": "．·。",
    ",": "，",
    "-": "－—–一─",
    "/": "／",
}
_HEIGHT = 48  # the recognition model's line height
_BATCH = 16  # lines a run of the model
_SPREAD = 1.3  # widest / narrowest line of a batch, so little is padding


@dataclass(frozen=True)
class Reading:
    """What the engine read in one line image."""

    text: str
    confidences: tuple[float, ...]  # one per character of ``text``


@cache
def _engine():  # the rapidocr_onnxruntime.RapidOCR instance; imported only when a scan comes
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as error:  # the package, or a system library OpenCV needs
        raise ExtractionError("OCR", f"{MISSING_ENGINE}（{error}）") from error
    return RapidOCR(
        intra_op_num_threads=1,  # see the module's docstring
        inter_op_num_threads=1,
        print_verbose=False,
        rec_img_shape=[3, _HEIGHT, _HEIGHT],  # no line is widened past what we pad it to
        rec_batch_num=_BATCH,
    )


def recognise(lines: list[np.ndarray]) -> list[Reading]:
    """The text of each grey line image, with each character's confidence.

    Lines are read in batches of similar width, each padded with white to the
    widest of its batch: the model then sees the same white margin whatever
    else is in the batch (its own padding is grey, and changes what it reads
    in a short line), and short cells are not widened to long lines' width.
    """
    readings: list[Reading | None] = [None] * len(lines)
    order = sorted(range(len(lines)), key=lambda i: _aspect(lines[i]))
    start = 0
    while start < len(order):
        end = start + 1
        while (
            end < len(order)
            and end - start < _BATCH
            and _aspect(lines[order[end]]) <= _aspect(lines[order[start]]) * _SPREAD
        ):
            end += 1
        batch = order[start:end]
        widest = max(_aspect(lines[i]) for i in batch)
        padded = [_padded(lines[i], widest) for i in batch]
        for index, frames in zip(batch, _probabilities(padded, widest), strict=True):
            readings[index] = _reading(frames)
        start = end
    return readings  # type: ignore[return-value]  # every index is filled


def _probabilities(lines: list[np.ndarray], aspect: float) -> np.ndarray:
    """The model's output for a batch: for each line, frame by frame (left to
    right), the probability of each character of its alphabet (0 is "none")."""
    recogniser = _engine().text_rec
    batch = np.stack([recogniser.resize_norm_img(line, aspect) for line in lines])
    return recogniser.session(batch.astype(np.float32))[0]


def _reading(frames: np.ndarray) -> Reading:
    """The characters of one line: the likeliest character of each frame, a
    character held over several frames counted once (CTC's greedy decoding).
    A line that reads as a figure is read again as one (see _FIGURE_TWINS)."""
    alphabet = _alphabet()
    best = frames.argmax(axis=1)
    text, confidences = _collapsed(best, frames.max(axis=1), alphabet.characters)
    if text and all(char in alphabet.figure_like for char in text):
        scores = np.concatenate([frames[:, :1], frames @ alphabet.twins], axis=1)
        return Reading(*_collapsed(scores.argmax(axis=1), scores.max(axis=1), alphabet.figure))
    return Reading(text, confidences)


def _collapsed(
    choices: np.ndarray, scores: np.ndarray, characters: tuple[str, ...]
) -> tuple[str, tuple[float, ...]]:
    """Per-frame choices to text: repeats joined, "none" (0) dropped; each
    character's confidence is its best frame's."""
    text: list[str] = []
    confidences: list[float] = []
    previous = 0
    for choice, score in zip(choices.tolist(), scores.tolist(), strict=True):
        if choice != 0 and choice == previous:
            confidences[-1] = max(confidences[-1], score)
        elif choice != 0:
            text.append(characters[choice])
            confidences.append(score)
        previous = choice
    return "".join(text), tuple(confidences)


@dataclass(frozen=True)
class _Alphabet:
    characters: tuple[str, ...]  # the model's, 0 being "none"
    figure: tuple[str, ...]  # "none", then the characters of figures
    figure_like: frozenset[str]  # those and their twins
    twins: np.ndarray  # (alphabet, figure characters): 1 where a character is one's twin


@cache
def _alphabet() -> _Alphabet:
    characters = tuple(_engine().text_rec.postprocess_op.character)
    column = {char: index for index, char in enumerate(characters)}
    twins = np.zeros((len(characters), len(_FIGURE_TWINS)), dtype=np.float32)
    for group, (char, others) in enumerate(_FIGURE_TWINS.items()):
        for member in (char, *others):
            if member in column:
                twins[column[member], group] = 1
    figure_like = frozenset(char + others for char, others in _FIGURE_TWINS.items())
    return _Alphabet(characters, ("", *_FIGURE_TWINS), frozenset("".join(figure_like)), twins)


def _aspect(line: np.ndarray) -> float:
    return line.shape[1] / line.shape[0]


def _padded(line: np.ndarray, aspect: float) -> np.ndarray:
    """The line in colour, white added on the right to the given width-to-height ratio."""
    missing = max(0, round(aspect * line.shape[0]) - line.shape[1])
    wide = cv2.copyMakeBorder(line, 0, 0, 0, missing, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(wide, cv2.COLOR_GRAY2BGR)


def detect(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The boxes (left, top, right, bottom) of the text lines on a grey page."""
    boxes, _ = _engine().text_det(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR))
    if boxes is None or len(boxes) == 0:
        return []
    found = []
    for quad in boxes:
        xs, ys = quad[:, 0], quad[:, 1]
        found.append((int(xs.min()), int(ys.min()), int(np.ceil(xs.max())), int(np.ceil(ys.max()))))
    return found
