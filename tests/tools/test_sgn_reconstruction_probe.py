"""tools/analysis/sgn_reconstruction_probe.py: the generator of a config learns the
reconstruction term alone; its held-out PSNR per quarter, reproducible from the seed."""
import json

import numpy as np
import pytest
import torch

from tests.datasets.test_unpaired_multi_domain_dataset import make_domains
from tests.models._sgn import write_tiny_run
from tests.tools._tiny_sr import run_tool_in_process


def _probe(tmp_path, *extra):
    config, _ = write_tiny_run(tmp_path)
    if not (tmp_path / 'data').exists():
        make_domains(tmp_path / 'data', dict(photo=3, photo_test=2), size=(40, 36))
    return run_tool_in_process('analysis/sgn_reconstruction_probe.py', config, '--data',
                               str(tmp_path / 'data'), '--size', '32', '--crop', '16',
                               '--iters', '8', *extra)


def test_curve_per_quarter_and_reproducible(tmp_path, capsys):
    out = tmp_path / 'probe.json'
    assert _probe(tmp_path, '--out', str(out)) == 0
    result = json.loads(out.read_text())
    assert [p['iter'] for p in result['curve']] == [2, 4, 6, 8]
    assert all(np.isfinite(p['heldout_psnr_db']) and p['loss'] > 0
               and p['checkerboard_ratio'] > 0 for p in result['curve'])
    assert result['heldout_photos'] == 2
    text = capsys.readouterr().out
    assert f'after 8 iterations: {result["curve"][-1]["heldout_psnr_db"]:.2f} dB' in text
    # the same seed trains the same generator; config overrides reach it
    assert _probe(tmp_path, '--out', str(out)) == 0
    def measured(curve):
        return [(p['loss'], p['heldout_psnr_db'], p['checkerboard_ratio']) for p in curve]

    assert measured(json.loads(out.read_text())['curve']) == measured(result['curve'])
    assert _probe(tmp_path, '--out', str(out), '--cfg-options',
                  'model.generator.upsample=nearest') == 0
    other = json.loads(out.read_text())
    assert "'upsample': 'nearest'" in other['generator']
    assert measured(other['curve']) != measured(result['curve'])


def test_heldout_psnr_golden():
    from mmkd_ext.apis.analysis.sgn_reconstruction_probe import heldout_psnr

    class Shift(torch.nn.Module):
        """Adds ``delta`` (in [-1, 1] units) to the image: a known error."""

        def __init__(self, delta):
            super().__init__()
            self.delta = delta
            self.p = torch.nn.Parameter(torch.zeros(1))

        def forward(self, x, s):
            return x + self.delta

    class Mixer:
        source_domain = 'photo'

        def __init__(self, generator):
            self.generator = generator

        def s(self, mix):
            return torch.tensor([1.0, 0.0])

    photo = np.full((8, 8, 3), 100, np.uint8)
    assert heldout_psnr(Mixer(Shift(0.0)), [photo]) == float('inf')
    textured = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    value, ratio = heldout_psnr(Mixer(Shift(0.0)), [textured], checkerboard=True)
    assert value == float('inf') and ratio == pytest.approx(1.0)  # the photo itself
    # +10 / 127.5 in [-1, 1] is +10 grey levels: MSE 100
    assert heldout_psnr(Mixer(Shift(10 / 127.5)), [photo, photo]) == pytest.approx(
        10 * np.log10(255 ** 2 / 100), abs=1e-3)


def test_bad_arguments(capsys):
    with pytest.raises(SystemExit):
        run_tool_in_process('analysis/sgn_reconstruction_probe.py', 'c.py', '--crop', '200')
    assert '--crop 200 is larger than --size 128' in capsys.readouterr().err
