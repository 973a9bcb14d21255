"""Golden values of the checkerboard-energy measure."""
import numpy as np
import pytest

from mmkd_ext.apis.analysis.artifacts import checkerboard_energy, checkerboard_ratio


def gray(plane: np.ndarray) -> np.ndarray:
    """(H, W) -> (H, W, 3) with equal channels: the luminance is the plane itself."""
    return np.repeat(plane[..., None], 3, axis=2)


def smooth(size: int = 32, seed: int = 0) -> np.ndarray:
    """A smooth colour image: a 4 x 4 random field, bilinearly upsampled."""
    import cv2
    coarse = np.random.default_rng(seed).integers(0, 256, (4, 4, 3)).astype(np.uint8)
    return cv2.resize(coarse, (size, size), interpolation=cv2.INTER_LINEAR)


Y, X = np.mgrid[:32, :32]
CHECKER = gray(np.where((X + Y) % 2 == 0, 200.0, 50.0))
RAMP = gray(X * 8.0 + Y * 2.0)


def test_a_checkerboard_scores_one_a_gradient_zero():
    assert checkerboard_energy(CHECKER) == pytest.approx(1.0)
    assert checkerboard_energy(RAMP) < 1e-3
    assert checkerboard_energy(gray(np.full((32, 32), 7.0))) == 0.0
    photo = smooth()
    assert checkerboard_energy(photo) < 0.01
    # a mild checkerboard on a smooth picture raises the share many times over
    marked = np.clip(photo + (CHECKER - 125) * 0.1, 0, 255).astype(np.uint8)
    assert checkerboard_ratio(marked, photo) > 10


def test_golden_share_of_a_nyquist_stripe_beside_a_low_frequency():
    # a (-1)^x stripe keeps all its energy sum(w^2) under the window; a cosine of 2 cycles
    # keeps half of it: the share is a^2 / (a^2 + b^2 / 2) = 1 / 3 for a = 1, b = 2
    plane = (-1.0) ** X + 2 * np.cos(2 * np.pi * 2 * X / 32)
    assert checkerboard_energy(gray(plane)) == pytest.approx(1 / 3, abs=1e-9)


@pytest.mark.parametrize('period, counted', [(2, True), (4, True), (8, False)])
def test_periods_counted(period, counted):
    plane = np.cos(2 * np.pi * Y / period) + np.cos(2 * np.pi * X / period + 0.3)
    share = checkerboard_energy(gray(plane))
    assert share == pytest.approx(1.0) if counted else share < 1e-9
    # period 2 alone leaves out the period-4 lines; period 8's harmonics hold all three
    alone = checkerboard_energy(gray(plane), periods=(2, ))
    assert alone == pytest.approx(1.0) if period == 2 else alone < 1e-9
    assert checkerboard_energy(gray(plane), periods=(8, )) == pytest.approx(1.0)


def test_invariant_to_brightness_offset_and_contrast():
    photo = smooth(seed=1).astype(np.float64) * 0.5
    marked = photo + (CHECKER - 125) * 0.05
    share = checkerboard_energy(marked)
    assert checkerboard_energy(marked + 60.0) == pytest.approx(share, rel=1e-9)
    assert checkerboard_energy(marked * 1.7) == pytest.approx(share, rel=1e-9)
    # uint8 input gives the float result of the same values
    assert checkerboard_energy(marked.round().astype(np.uint8)) == pytest.approx(
        checkerboard_energy(marked.round()), rel=1e-12)


def test_ratio_of_an_image_to_itself_is_one_and_sizes_may_differ():
    photo = smooth(48)
    assert checkerboard_ratio(photo, photo) == pytest.approx(1.0)
    assert checkerboard_ratio(smooth(32), photo) > 0


def test_bad_input():
    with pytest.raises(ValueError, match=r'\(H, W, 3\)'):
        checkerboard_energy(np.zeros((32, 32)))
    with pytest.raises(ValueError, match='each side >= 16'):
        checkerboard_energy(np.zeros((12, 32, 3)))
    with pytest.raises(ValueError, match='ints >= 2'):
        checkerboard_energy(CHECKER, periods=(1, ))
    with pytest.raises(ValueError, match='halfwidth'):
        checkerboard_energy(CHECKER, halfwidth=-1)
    with pytest.raises(TypeError, match='dtype'):
        checkerboard_energy(CHECKER.astype(bool))
    with pytest.raises(ValueError, match='undefined'):
        checkerboard_ratio(CHECKER, gray(np.zeros((32, 32))))


def test_an_uneven_transposed_convolution_scores_above_bilinear_upsampling():
    # kernel 3, stride 2: every other output pixel gets two kernel taps instead of one
    # (Odena et al. 2016), a period-2 pattern over the smooth content
    import torch
    import torch.nn.functional as F
    small = torch.from_numpy(smooth(16, seed=3)).permute(2, 0, 1)[:, None].double()
    deconv = F.conv_transpose2d(small, torch.ones(1, 1, 3, 3, dtype=torch.float64) / 4,
                                stride=2, padding=1, output_padding=1)
    bilinear = F.interpolate(small, scale_factor=2, mode='bilinear', align_corners=False)
    as_rgb = [t[:, 0].permute(1, 2, 0).numpy() for t in (deconv, bilinear)]
    assert checkerboard_ratio(*as_rgb) > 10
