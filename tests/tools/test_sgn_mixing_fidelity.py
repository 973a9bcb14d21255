"""tools/analysis/sgn_mixing_fidelity.py end to end on a tiny checkpoint and tiny folders."""
import json

from tests.datasets.test_unpaired_multi_domain_dataset import make_domains
from tests.models._sgn import write_tiny_run
from tests.tools._tiny_sr import run_tool_in_process


def test_measures_and_writes_grids(tmp_path, capsys):
    config, ckpt = write_tiny_run(tmp_path)
    make_domains(tmp_path / 'data', dict(photo=2, photo_test=2, vangogh=3, ukiyoe=3),
                 size=(40, 36))
    assert run_tool_in_process(
        'analysis/sgn_mixing_fidelity.py', config, ckpt, '--data', str(tmp_path / 'data'),
        '--size', '32', '--crop', '16', '--classifier-iters', '2', '--step', '0.5', '--seeds',
        '0', '1', '--out', str(tmp_path / 'out')) == 0
    result = json.loads((tmp_path / 'out' / 'sgn_cpu_mixing_fidelity.json').read_text())
    assert result['pairs'] == 6 * 2  # simplex points of step 0.5 x held-out photos
    view = result['per_seed']['0']
    assert set(view['spearman']) == {'photo', 'vangogh', 'ukiyoe'}
    assert set(view['extrapolation_1p5']) == {'vangogh', 'ukiyoe'}
    assert result['classifier']['heldout_images'] == dict(photo=2, vangogh=2, ukiyoe=2)
    assert len(view['records']) == 12 + 2 * 2
    for name in ('sgn_cpu_mix_grid.png', 'sgn_cpu_simplex_sweep.png'):
        assert (tmp_path / 'out' / name).stat().st_size > 0
    assert '| vangogh |' in capsys.readouterr().out
