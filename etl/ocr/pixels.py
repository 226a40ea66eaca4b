"""Pixels of a scanned page: grey levels, ink, skew, and small pictures of it.

Every function takes and gives 2-D ``uint8`` arrays (0 black … 255 white) or
boolean-like ink masks (255 where there is ink); sizes that depend on the
scan's resolution are given in inches and turned into pixels with ``dpi``.
"""

from __future__ import annotations

import cv2
import numpy as np

# The skew a scanner's feeder leaves is a degree or two; the search goes a
# little beyond, in tenths of a degree, then in hundredths around the best.
_MAX_SKEW_DEGREES = 3.0
_COARSE_STEP, _FINE_STEP = 0.1, 0.02
# Skew is measured on a reduced copy of the page: a few hundred pixels wide
# are enough to see text lines and rulings, and keep the search fast.
_SKEW_WIDTH = 700
# Angles this small are no skew at all (a tenth of a pixel over a cell).
_NO_SKEW_DEGREES = 0.05


def pixels(inches: float, dpi: float) -> int:
    return max(1, round(inches * dpi))


def ink(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Where the ink is: darker than the paper around it (so grey paper,
    uneven lighting and shaded table headers leave only the print)."""
    block = max(3, pixels(0.15, dpi) | 1)  # odd, wider than a stroke, narrower than a cell
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
    )


def skew_angle(ink_mask: np.ndarray) -> float:
    """How many degrees the page is turned (clockwise positive): the angle at
    which the rows of ink — text lines and rulings — line up most sharply."""
    scale = min(1.0, _SKEW_WIDTH / ink_mask.shape[1])
    small = cv2.resize(ink_mask, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    if not small.any():
        return 0.0
    coarse = np.arange(-_MAX_SKEW_DEGREES, _MAX_SKEW_DEGREES + 1e-9, _COARSE_STEP)
    best = max(coarse, key=lambda angle: _sharpness(small, angle))
    fine = np.arange(best - _COARSE_STEP, best + _COARSE_STEP + 1e-9, _FINE_STEP)
    angle = float(max(fine, key=lambda angle: _sharpness(small, angle)))
    return 0.0 if abs(angle) < _NO_SKEW_DEGREES else round(angle, 2)


def _sharpness(small: np.ndarray, angle: float) -> float:
    rows = _rotated(small, angle, fill=0).sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def _rotated(image: np.ndarray, angle: float, fill: int) -> np.ndarray:
    height, width = image.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=fill)


class Straightened:
    """A page turned upright, and the way back to the scan's own pixels."""

    def __init__(self, gray: np.ndarray, angle: float) -> None:
        height, width = gray.shape
        self.angle = angle
        self._forward = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
        self._back = cv2.invertAffineTransform(self._forward)
        self._size = (width, height)
        self.gray = (
            gray
            if angle == 0
            else cv2.warpAffine(
                gray, self._forward, self._size, flags=cv2.INTER_CUBIC, borderValue=255
            )
        )

    def box_on_scan(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        """A box of the upright page as the box around it on the scan as received."""
        if self.angle == 0:
            return box
        left, top, right, bottom = box
        corners = np.array([[left, top], [right, top], [left, bottom], [right, bottom]], float)
        turned = corners @ self._back[:, :2].T + self._back[:, 2]
        width, height = self._size
        low = np.clip(np.floor(turned.min(axis=0)), 0, None)
        high = np.minimum(np.ceil(turned.max(axis=0)), (width, height))
        return int(low[0]), int(low[1]), int(high[0]), int(high[1])


def png(gray: np.ndarray) -> bytes:
    """A grey picture as PNG bytes."""
    ok, encoded = cv2.imencode(".png", gray)
    if not ok:  # pragma: no cover - OpenCV encodes any 2-D uint8 array
        raise ValueError("PNG encoding failed")
    return encoded.tobytes()
