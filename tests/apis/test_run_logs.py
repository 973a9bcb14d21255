import json
import os

from mmkd_ext.apis.run_logs import last_val_metrics


def _write(work_dir, stamp, rows):
    path = os.path.join(work_dir, stamp, 'vis_data')
    os.makedirs(path)
    with open(os.path.join(path, 'scalars.json'), 'w') as f:
        f.write('\n'.join(json.dumps(r) for r in rows) + '\n')


def test_last_validation_of_the_newest_run(tmp_path):
    _write(str(tmp_path), '20260101_000000', [{'accuracy/top1': 50.0, 'step': 1}])
    _write(str(tmp_path), '20260102_000000', [
        {'loss': 1.0, 'lr': 0.1, 'step': 10},
        {'accuracy/top1': 70.0, 'data_time': 0.1, 'time': 0.2, 'step': 1},
        {'loss': 0.5, 'lr': 0.01, 'step': 20},
        {'accuracy/top1': 80.0, 'data_time': 0.1, 'time': 0.2, 'step': 2}])
    assert last_val_metrics(str(tmp_path)) == {'accuracy/top1': 80.0}
    assert last_val_metrics(str(tmp_path / 'missing')) == {}


def test_a_validation_logged_in_several_rows_is_merged(tmp_path):
    """MMRazor's QAT loop logs the fake-quantized and the float model's metrics as two rows
    of one step: both are the last validation's, the deployed (qat) one first."""
    _write(str(tmp_path), '20260101_000000', [
        {'qat.accuracy/top1': 88.0, 'step': 3},
        {'original.accuracy/top1': 87.0, 'step': 3},
        {'loss': 0.5, 'lr': 0.01, 'epoch': 4, 'iter': 621, 'step': 621},
        {'qat.accuracy/top1': 91.29, 'data_time': 0.01, 'time': 0.3, 'step': 4},
        {'original.accuracy/top1': 91.28, 'data_time': 0.01, 'time': 0.2, 'step': 4}])
    metrics = last_val_metrics(str(tmp_path))
    assert metrics == {'qat.accuracy/top1': 91.29, 'original.accuracy/top1': 91.28}
    assert list(metrics) == ['qat.accuracy/top1', 'original.accuracy/top1']
