"""tools/analysis/seed_study.py: one table over configs that log different metrics, reruns,
failed runs, the progress line and ``--out`` next to shipped files."""
import json
import os
import os.path as osp

import pytest

from mmkd_ext.apis.analysis.seed_study import gain_table, metric_columns, table
from tests.tools._tiny_sr import (
    REPO,
    distill_model,
    make_sr_data,
    make_teacher_ckpt,
    run_tool_in_process,
    sr_config,
    write_config,
)

#: What FEED with one and with three teachers, and AFD with two and three networks, log.
FEED_1X = {'accuracy/top1': 70.0, 'teacher/accuracy/top1': 80.0}
FEED_3X = {'accuracy/top1': 72.0, 'teacher/t100/accuracy/top1': 80.0,
           'teacher/t101/accuracy/top1': 79.0}
AFD_2X = {'net0/accuracy/top1': 71.0, 'net1/accuracy/top1': 70.5, 'cka/net0-net1': 0.9}
AFD_3X = {'net0/accuracy/top1': 71.5, 'net1/accuracy/top1': 71.0, 'net2/accuracy/top1': 70.0,
          'cka/net0-net1': 0.9, 'cka/net0-net2': 0.8, 'cka/net1-net2': 0.85}


def _finished(work_dir, name: str, seed: int, metrics: dict) -> None:
    """A run the study finished earlier (its ``metrics.json``)."""
    folder = osp.join(work_dir, name, f'seed{seed}')
    os.makedirs(folder, exist_ok=True)
    with open(osp.join(folder, 'metrics.json'), 'w') as f:
        json.dump(dict(metrics, seconds=10.0 + seed), f)


@pytest.mark.parametrize('first, second', [(FEED_3X, FEED_1X), (AFD_2X, AFD_3X)],
                         ids=['feed', 'afd'])
def test_columns_are_every_metric_of_every_config(tmp_path, capsys, first, second):
    work = str(tmp_path / 'study')
    for seed in (0, 1):
        _finished(work, 'first_cfg', seed, {k: v + seed for k, v in first.items()})
        _finished(work, 'second_cfg', seed, second)
    out = tmp_path / 'study.json'
    argv = ['configs/x/first_cfg.py', 'configs/x/second_cfg.py', '--seeds', '0', '1',
            '--work-dir', work, '--out', str(out)]
    for _ in range(2):  # a rerun reads the finished runs back and tabulates them again
        results = run_tool_in_process('analysis/seed_study.py', *argv)
        text = capsys.readouterr().out
        header = next(line for line in text.splitlines() if line.startswith('| config'))
        assert header.count('mean +- std') == len({**first, **second})
        assert all(f'| {key} mean +- std |' in header for key in {**first, **second})
        row = next(line for line in text.splitlines() if line.startswith('| second_cfg'))
        missing = len(set(first) - set(second))
        assert row.count('| - ') == missing
        assert json.loads(out.read_text()) == json.loads(json.dumps(results))
    assert set(metric_columns(results)) == set(first) | set(second)
    assert '0.0000' in table(results).splitlines()[3]  # second_cfg: equal seeds, std 0


def test_a_seed_without_a_metric_shows_how_many_seeds_have_it():
    runs = {'c': {0: {'a': 1.0, 'b': 2.0, 'seconds': 1}, 1: {'a': 3.0, 'seconds': 1}}}
    row = table(runs).splitlines()[2]
    assert '| 2.0000 +- 1.4142 |' in row and '2.0000 +- 0.0000 (n=1)' in row


def test_out_refuses_a_shipped_file(tmp_path):
    _finished(str(tmp_path), 'c', 0, {'a': 1.0})
    shipped = osp.join(REPO, 'docs', 'results', 'sgn', 'sgn_cpu_mixing_fidelity.json')
    with open(shipped, 'rb') as f:
        before = f.read()
    with pytest.raises(SystemExit, match='(?s)refusing to write .*docs/results/.*--force'):
        run_tool_in_process('analysis/seed_study.py', 'c.py', '--seeds', '0', '--work-dir',
                            str(tmp_path), '--out', shipped)
    with open(shipped, 'rb') as f:
        assert f.read() == before


@pytest.mark.slow
def test_trains_from_the_working_directory_and_reports_failed_runs(tmp_path, monkeypatch,
                                                                    capsys):
    """A real study: a tiny config trains 2 iterations in a child process run from the
    user's folder (relative data and work dirs), next to a config that fails; the good
    run is tabulated, the failed one named with its log, the progress goes to stderr."""
    monkeypatch.chdir(tmp_path)
    make_sr_data('data', num=2)
    good = write_config('tiny.py', sr_config(distill_model(make_teacher_ckpt('t.pth')),
                                             'data'))
    bad = write_config('broken.py', sr_config(distill_model('no_teacher.pth'), 'data'))
    with pytest.raises(SystemExit, match=r'1 run\(s\) failed.*broken/seed0/train.out'):
        run_tool_in_process('analysis/seed_study.py', good, bad, '--seeds', '0', '--jobs', '2',
                            '--work-dir', 'study', '--out', 'study.json')
    captured = capsys.readouterr()
    assert '| tiny | 1 | ' in captured.out and 'PSNR mean +- std' in captured.out
    assert 'tiny seed 0 done' in captured.err and 'broken seed 0 FAILED' in captured.err
    assert '2/2 runs' in captured.err
    assert 'teacher_ckpt' in (tmp_path / 'study' / 'broken' / 'seed0' / 'train.out').read_text()
    progress = json.loads((tmp_path / 'study' / 'tiny' / 'seed0' / 'progress.json').read_text())
    assert progress == dict(iter=2, max_iters=2)
    assert list(json.loads((tmp_path / 'study.json').read_text())) == ['tiny']


def test_variants_train_each_config_once_per_variant(tmp_path, monkeypatch, capsys):
    """``--variant NAME OPT ...``: every (config, variant, seed) trains once with the
    study's options and then the variant's, in ``<config>/<NAME>/seed<s>``; rows are
    ``<config>@<NAME>``; a rerun trains nothing again."""
    from mmkd_ext.apis.analysis import seed_study
    calls = []

    def fake_train(config, work_dir, options, label, progress, env, finish):
        calls.append((osp.basename(config), osp.relpath(work_dir, tmp_path), options))
        os.makedirs(work_dir, exist_ok=True)
        return 1.0

    def fake_metrics(work_dir):
        weight = float(work_dir.split(os.sep)[-2][1:])  # the variant's folder: w<weight>
        return {'PSNR': 27.0 + weight}

    monkeypatch.setattr(seed_study, 'train_in_subprocess', fake_train)
    monkeypatch.setattr(seed_study, 'last_val_metrics', fake_metrics)
    argv = ['configs/x/a_cfg.py', '--seeds', '0', '1', '--work-dir', str(tmp_path),
            '--cfg-options', 'train_cfg.max_iters=10',
            '--variant', 'w0.5', 'model.w=0.5', '--variant', 'w2', 'model.w=2', 'model.t=x']
    results = run_tool_in_process('analysis/seed_study.py', *argv)
    assert sorted(calls) == sorted(
        ('a_cfg.py', osp.join('a_cfg', v, f'seed{s}'),
         [f'randomness.seed={s}', 'train_cfg.max_iters=10', *opts])
        for s in (0, 1) for v, opts in (('w0.5', ['model.w=0.5']),
                                        ('w2', ['model.w=2', 'model.t=x'])))
    assert set(results) == {'a_cfg@w0.5', 'a_cfg@w2'}
    assert results['a_cfg@w2'][1]['PSNR'] == 29.0
    assert '| a_cfg@w0.5 | 2 | 27.5000 +- 0.0000 |' in capsys.readouterr().out
    calls.clear()
    assert run_tool_in_process('analysis/seed_study.py', *argv) == results and calls == []


@pytest.mark.parametrize('variant, message', [
    (['w1', 'model.w=1', '--variant', 'w1', 'model.w=2'], "variant name 'w1'"),
    (['model.w=1'], "variant name 'model.w=1'"),
    (['w1', 'loss_weight'], "options must be key=value, got \\['loss_weight'\\]"),
])
def test_bad_variants_are_refused_before_training(variant, message, capsys):
    with pytest.raises(SystemExit):
        run_tool_in_process('analysis/seed_study.py', 'c.py', '--variant', *variant)
    import re
    assert re.search(message, capsys.readouterr().err)


def test_configs_after_cfg_options_are_named_in_the_error(capsys):
    """--cfg-options takes every value up to the next option: configs placed after it are
    its values, and the error says so instead of only that no config was given."""
    with pytest.raises(SystemExit):
        run_tool_in_process('analysis/seed_study.py', '--cfg-options', 'a.b=1', 'c.py', 'd.py')
    err = capsys.readouterr().err
    assert ('no config given: c.py, d.py was read as a --cfg-options value' in err
            and 'put the configs before --cfg-options' in err)
    with pytest.raises(SystemExit):
        run_tool_in_process('analysis/seed_study.py', '--seeds', '0')
    assert 'the following arguments are required: configs' in capsys.readouterr().err


def test_gain_table_pairs_each_seed_with_the_baseline():
    runs = {'alone': {0: {'PSNR': 28.0}, 1: {'PSNR': 28.2}, 2: {'PSNR': 28.1}},
            'kd': {0: {'PSNR': 28.1}, 1: {'PSNR': 28.4}, 2: {'PSNR': 28.1}},
            'short': {1: {'PSNR': 28.5}}}
    lines = gain_table(runs, 'alone').splitlines()
    assert lines[0] == ('| config | seed 0 | seed 1 | seed 2 | PSNR mean +- std | '
                        'gain over alone | gain per seed |')
    # kd: gains +0.1, +0.2, 0.0 -> mean +0.100, sample std 0.100
    assert lines[3] == ('| kd | 28.100 | 28.400 | 28.100 | 28.200 +- 0.173 | '
                        '+0.100 +- 0.100 | +0.100, +0.200, +0.000 |')
    # a row with fewer seeds is compared on the seeds it has
    assert lines[4] == '| short | - | 28.500 | - | 28.500 +- 0.000 | +0.300 +- 0.000 | +0.300 |'
    with pytest.raises(KeyError, match="baseline 'none' is not a row; rows: alone, kd, short"):
        gain_table(runs, 'none')
    with pytest.raises(ValueError, match="metric 'SSIM' is not logged; metrics: PSNR"):
        gain_table(runs, 'alone', 'SSIM')


def test_tabulate_merges_earlier_studies_without_training(tmp_path, capsys):
    first, second = tmp_path / 'a.json', tmp_path / 'b.json'
    first.write_text(json.dumps({'alone': {'0': {'PSNR': 28.0, 'seconds': 5}},
                                 'kd': {'0': {'PSNR': 27.0, 'seconds': 5}}}))
    second.write_text(json.dumps({'kd': {'0': {'PSNR': 28.25, 'seconds': 7}}}))
    merged = run_tool_in_process('analysis/seed_study.py', '--tabulate', str(first),
                                 str(second), '--baseline', 'alone')
    assert merged['kd'][0]['PSNR'] == 28.25  # the later file wins
    out = capsys.readouterr().out
    assert '| kd | 28.250 | 28.250 +- 0.000 | +0.250 +- 0.000 | +0.250 |' in out
    with pytest.raises(SystemExit, match="baseline 'x' is not a row"):
        run_tool_in_process('analysis/seed_study.py', '--tabulate', str(first),
                            '--baseline', 'x')
    (tmp_path / 'bad.json').write_text('[1, 2]')
    with pytest.raises(SystemExit, match='bad.json: not the JSON of a seed study'):
        run_tool_in_process('analysis/seed_study.py', '--tabulate', str(tmp_path / 'bad.json'))
    with pytest.raises(SystemExit):
        run_tool_in_process('analysis/seed_study.py', 'c.py', '--tabulate', str(first))
    assert '--tabulate prints earlier results: give no configs' in capsys.readouterr().err
