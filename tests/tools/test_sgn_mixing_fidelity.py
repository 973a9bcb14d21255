"""tools/analysis/sgn_mixing_fidelity.py end to end on a tiny checkpoint and tiny folders; a
run without logged times, a late failure and the shipped results are handled."""
import json
import os
import os.path as osp

import pytest

from tests.datasets.test_unpaired_multi_domain_dataset import make_domains
from tests.models._sgn import write_tiny_run
from tests.tools._tiny_sr import REPO, run_tool_in_process


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
    out = capsys.readouterr().out
    assert '| vangogh |' in out
    # checkerboard energy of every held-out photo under every column of the mix grid
    from mmkd_ext.apis.analysis.artifacts import checkerboard_ratio
    from mmkd_ext.apis.sgn_mix import SGNMixer, center_square, default_mixes, read_image, translate
    art = result['artifacts']
    mixer = SGNMixer(config, ckpt)
    mixes = default_mixes(mixer.names)
    assert art['photos'] == 2 and len(art['columns']) == len(mixes)
    assert art['columns'][0]['mix'] == 'photo 1.00'
    for column in art['columns']:
        assert len(column['per_photo']) == 2 and all(r > 0 for r in column['per_photo'])
        assert column['mean'] == pytest.approx(sum(column['per_photo']) / 2)
    assert art['overall'] == pytest.approx(
        sum(c['mean'] for c in art['columns']) / len(mixes))
    photo = center_square(read_image(str(tmp_path / 'data' / 'photo_test' / 'photo_test1.png'),
                                     32))
    last = mixes[-1]
    assert art['columns'][-1]['per_photo'][1] == pytest.approx(checkerboard_ratio(
        translate(mixer.generator, photo, mixer.s(last)), photo))
    assert 'checkerboard energy, output / input photo (mean over 2 held-out photos' in out
    assert f'; overall {art["overall"]:.2f}' in out
    # reconstruction: PSNR of every held-out photo against its output at s = photo
    from mmkd_ext.apis.analysis.sgn_mixing_fidelity import psnr
    rec = result['reconstruction']
    assert len(rec['per_photo_db']) == 2
    assert rec['per_photo_db'][1] == pytest.approx(psnr(
        translate(mixer.generator, photo, mixer.s({'photo': 1.0})), photo))
    assert rec['mean_db'] == pytest.approx(sum(rec['per_photo_db']) / 2)
    assert f'reconstruction at s = photo: PSNR {rec["mean_db"]:.2f} dB' in out


def _args(tmp_path, *extra):
    config, ckpt = write_tiny_run(tmp_path)
    make_domains(tmp_path / 'data', dict(photo=2, photo_test=2, vangogh=3, ukiyoe=3),
                 size=(40, 36))
    return [config, ckpt, '--data', str(tmp_path / 'data'), '--size', '32', '--crop', '16',
            '--classifier-iters', '2', '--step', '0.5', '--seeds', '0', '--out',
            str(tmp_path / 'out'), *extra]


def test_a_run_that_logged_no_time_still_gets_its_json(tmp_path, capsys):
    """``--train-work-dir`` of a run with fewer iterations than its logger interval: no
    ``time`` in its scalars; the timing is null with a note, the rest is written."""
    run = tmp_path / 'sgn_run' / '20260101_000000' / 'vis_data'
    run.mkdir(parents=True)
    (run / 'scalars.json').write_text('{"loss_gen": 1.0, "step": 10}\n')
    assert run_tool_in_process('analysis/sgn_mixing_fidelity.py', *_args(
        tmp_path, '--train-work-dir', str(tmp_path / 'sgn_run'))) == 0
    result = json.loads((tmp_path / 'out' / 'sgn_cpu_mixing_fidelity.json').read_text())
    assert result['train_time_per_iter'] is None and 'no time per iteration' in \
        result['notes'][0]
    assert set(result['per_seed']) == {'0'} and result['grids']['mix_grid_bytes'] > 0
    assert 'note: no time per iteration' in capsys.readouterr().out


def test_a_late_failure_keeps_the_measurements(tmp_path, monkeypatch):
    from mmkd_ext.apis.analysis import sgn_mixing_fidelity

    def broken(path, rgb):
        raise OSError(f'disk full writing {path}')

    monkeypatch.setattr(sgn_mixing_fidelity, 'save_png', broken)
    with pytest.raises(OSError, match='disk full'):
        run_tool_in_process('analysis/sgn_mixing_fidelity.py', *_args(tmp_path))
    result = json.loads((tmp_path / 'out' / 'sgn_cpu_mixing_fidelity.json').read_text())
    assert set(result['per_seed']['0']['spearman']) == {'photo', 'vangogh', 'ukiyoe'}
    assert result['grids'] is None and 'pictures not written: OSError' in result['notes'][-1]


def test_refuses_to_overwrite_the_shipped_results_without_force(tmp_path):
    shipped = osp.join(REPO, 'docs', 'results', 'sgn')
    before = {n: os.path.getmtime(osp.join(shipped, n)) for n in os.listdir(shipped)}
    with pytest.raises(SystemExit, match='(?s)refusing to write .*sgn_cpu_mixing_fidelity.json'
                       '.*--force'):
        run_tool_in_process('analysis/sgn_mixing_fidelity.py', 'cfg.py', 'ckpt.pth', '--out',
                            shipped)
    assert {n: os.path.getmtime(osp.join(shipped, n)) for n in os.listdir(shipped)} == before


def test_psnr_golden_values():
    import numpy as np

    from mmkd_ext.apis.analysis.sgn_mixing_fidelity import psnr
    a = np.zeros((4, 4, 3), np.uint8)
    b = a.copy()
    b[0, 0, 0] = 255  # one of 48 values off by 255: MSE 255^2 / 48
    assert psnr(a, b) == pytest.approx(10 * np.log10(48))
    assert psnr(a, a) == float('inf')
    with pytest.raises(ValueError, match='different shapes'):
        psnr(a, a[:2])


def _fake_result(tmp_path, name, rho, pure, rec, checker, step=0.25):
    views = {str(k): dict(spearman=dict(photo=r, vangogh=r), pure_mix=dict(
        photo=dict(mean=p), vangogh=dict(mean=p))) for k, (r, p) in enumerate(zip(rho, pure))}
    path = tmp_path / f'{name}.json'
    path.write_text(json.dumps(dict(
        checkpoint=f'{name}.pth', domains=['photo', 'vangogh'], step=step, seeds=[0, 1],
        size=128, per_seed=views, reconstruction=dict(mean_db=rec),
        artifacts=dict(overall=checker))))
    return str(path)


def test_combine_gives_mean_and_std_over_generators(tmp_path, capsys):
    a = _fake_result(tmp_path, 'a', rho=[0.5, 0.7], pure=[0.8, 1.0], rec=24.0, checker=1.0)
    b = _fake_result(tmp_path, 'b', rho=[0.9, 0.9], pure=[0.6, 0.6], rec=26.0, checker=3.0)
    out = tmp_path / 'combined.json'
    assert run_tool_in_process('analysis/sgn_mixing_fidelity.py', '--combine', a, b,
                               '--combine-out', str(out)) == 0
    figures = json.loads(out.read_text())['figures']
    # each generator: the mean over its classifiers, then mean +- std over the generators
    assert figures['rho/vangogh']['per_run'] == pytest.approx([0.6, 0.9])
    assert figures['rho/vangogh']['mean'] == pytest.approx(0.75)
    assert figures['rho/vangogh']['std'] == pytest.approx(0.15)
    assert figures['pure/photo']['per_run'] == pytest.approx([0.9, 0.6])
    assert figures['reconstruction_db']['mean'] == pytest.approx(25.0)
    assert figures['checkerboard']['std'] == pytest.approx(1.0)
    assert '| reconstruction_db | 25.000 +- 1.000 | 24.000 / 26.000 |' in capsys.readouterr().out


def test_combine_refuses_runs_measured_differently(tmp_path):
    a = _fake_result(tmp_path, 'a', rho=[0.5], pure=[0.8], rec=24.0, checker=1.0)
    b = _fake_result(tmp_path, 'b', rho=[0.9], pure=[0.6], rec=26.0, checker=3.0, step=0.5)
    with pytest.raises(ValueError, match='step=0.5.*not comparable'):
        run_tool_in_process('analysis/sgn_mixing_fidelity.py', '--combine', a, b)


def test_needs_a_checkpoint_or_combine(capsys):
    with pytest.raises(SystemExit):
        run_tool_in_process('analysis/sgn_mixing_fidelity.py')
    assert 'give a config and a checkpoint, or --combine' in capsys.readouterr().err


def test_classifier_cache_reuses_the_same_classifiers(tmp_path, monkeypatch):
    """With ``--classifier-cache`` a second run trains nothing and measures the same."""
    from mmkd_ext.apis.analysis import sgn_mixing_fidelity
    cache = tmp_path / 'cache'
    args = _args(tmp_path, '--classifier-cache', str(cache))
    run_tool_in_process('analysis/sgn_mixing_fidelity.py', *args)
    first = json.loads((tmp_path / 'out' / 'sgn_cpu_mixing_fidelity.json').read_text())
    assert len(list(cache.glob('classifier_seed0_*.pth'))) == 1

    def no_training(*a, **k):
        raise AssertionError('trained again')

    monkeypatch.setattr(sgn_mixing_fidelity, 'train_classifier', no_training)
    run_tool_in_process('analysis/sgn_mixing_fidelity.py', *args)
    second = json.loads((tmp_path / 'out' / 'sgn_cpu_mixing_fidelity.json').read_text())
    assert second['per_seed']['0']['records'] == first['per_seed']['0']['records']
