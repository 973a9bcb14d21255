"""Checkerboard artefacts of upsampling generators as a number: the share of an image's
spectral energy at the frequencies of period-2 and period-4 patterns.

A stride-2 transposed convolution whose kernel size is not a multiple of its stride paints
a pattern of period 2 over its output (Odena, Dumoulin and Olah, "Deconvolution and
Checkerboard Artifacts", Distill 2016); two of them in a row add period 4. A pattern of
period ``p`` along an axis of ``N`` pixels puts its energy at the DFT bins ``m N / p``
(``m = 1 .. p - 1``), and, multiplied with the image content, along whole lines of the
2-D spectrum: the rows ``k_y = m H / p`` and the columns ``k_x = m W / p``.

:func:`checkerboard_energy` measures the share of the luminance's energy on those lines;
:func:`checkerboard_ratio` divides it by the same share of a reference (the input photo of
a translation), so that a ratio above 1 means more checkerboard energy than the input had.
"""
from typing import Sequence

import numpy as np

__all__ = ['checkerboard_energy', 'checkerboard_ratio', 'luminance']

#: ITU-R BT.601 luma weights of R, G, B.
LUMA = (0.299, 0.587, 0.114)


def luminance(image: np.ndarray) -> np.ndarray:
    """(H, W, 3) RGB, uint8 or float -> (H, W) float64 luma (BT.601 weights)."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f'expected an RGB image of shape (H, W, 3), got {image.shape}')
    if not (np.issubdtype(image.dtype, np.integer) or np.issubdtype(image.dtype, np.floating)):
        raise TypeError(f'expected an integer or float image, got dtype {image.dtype}')
    return image.astype(np.float64) @ np.array(LUMA)


def _line_bins(n: int, periods: Sequence[int], halfwidth: int) -> np.ndarray:
    """Boolean (n,) mask of the DFT bins within ``halfwidth`` (circularly) of ``m n / p``."""
    k = np.arange(n)
    mask = np.zeros(n, bool)
    for p in periods:
        for m in range(1, p):
            centre = round(m * n / p)
            dist = np.abs(k - centre)
            mask |= np.minimum(dist, n - dist) <= halfwidth
    return mask


def checkerboard_energy(image: np.ndarray, periods: Sequence[int] = (2, 4),
                        halfwidth: int = 1) -> float:
    """Share of an image's spectral energy on the lines of period-``p`` patterns.

    The luminance, its mean removed, is multiplied by a 2-D (periodic) Hann window; of the
    power spectrum without its DC bin, the function returns the part on the rows
    ``|k_y - m H / p| <= halfwidth`` and the columns ``|k_x - m W / p| <= halfwidth``
    (``m = 1 .. p - 1`` for each ``p`` in ``periods``). The window moves a pure period-2
    pattern into the bins next to Nyquist as well, hence ``halfwidth = 1``.

    Note:
        A measure of this package (no paper defines it): a pure checkerboard scores 1, a
        smooth gradient about 0 and a natural photo a small share; it does not change
        when a constant is added to the image, nor when the image is scaled. Compare
        images through :func:`checkerboard_ratio` rather than by the share alone.

    Args:
        image (np.ndarray): (H, W, 3) RGB, uint8 or float; each side at least
            ``4 * max(periods)``.
        periods (Sequence[int]): Pattern periods in pixels, each >= 2. Defaults to
            ``(2, 4)`` (one or two stride-2 upsamplers).
        halfwidth (int): Bins on either side of each line that count. Defaults to 1.

    Returns:
        float: The share in [0, 1]; 0.0 for a constant image.
    """
    periods = tuple(periods)
    if not periods or not all(isinstance(p, (int, np.integer)) and p >= 2 for p in periods):
        raise ValueError(f'periods must be ints >= 2, got {periods!r}')
    if not isinstance(halfwidth, (int, np.integer)) or halfwidth < 0:
        raise ValueError(f'halfwidth must be an int >= 0, got {halfwidth!r}')
    luma = luminance(image)
    h, w = luma.shape
    if min(h, w) < 4 * max(periods):
        raise ValueError(f'the image is {h} x {w}; periods {periods} need each side >= '
                         f'{4 * max(periods)}')
    window = np.outer(np.hanning(h + 1)[:-1], np.hanning(w + 1)[:-1])
    power = np.abs(np.fft.fft2((luma - luma.mean()) * window)) ** 2
    power[0, 0] = 0.0
    total = power.sum()
    if total <= 1e-12 * h * w:
        return 0.0
    lines = _line_bins(h, periods, halfwidth)[:, None] | _line_bins(w, periods, halfwidth)
    return float(power[lines].sum() / total)


def checkerboard_ratio(image: np.ndarray, reference: np.ndarray,
                       periods: Sequence[int] = (2, 4), halfwidth: int = 1) -> float:
    """:func:`checkerboard_energy` of ``image`` over that of ``reference`` (e.g. a
    translation's input photo): above 1, the image carries more period-2/4 energy than the
    reference. The two may differ in size.

    Raises:
        ValueError: The reference has no energy on the lines (e.g. a constant image).
    """
    ref = checkerboard_energy(reference, periods, halfwidth)
    if ref <= 0.0:
        raise ValueError('the reference image has no energy at the checkerboard frequencies '
                         '(a constant image?); the ratio is undefined')
    return checkerboard_energy(image, periods, halfwidth) / ref
