"""One case of the fault-injection harness (tests/reliability/fault_inject.py): a run
SIGKILLed while its checkpoint file is half written keeps the previous checkpoint, resumes
from it and ends with the same weights as a run that was never interrupted."""
import os
import os.path as osp

import pytest

from tests.reliability import fault_inject
from tests.tools._tiny_sr import (
    distill_model,
    make_sr_data,
    make_teacher_ckpt,
    run_tool_in_process,
    sr_config,
    write_config,
)


@pytest.fixture
def tiny_case(tmp_path):
    data = make_sr_data(str(tmp_path / 'data'), num=4)
    cfg = sr_config(distill_model(make_teacher_ckpt(str(tmp_path / 'teacher.pth'))), data)
    config = write_config(str(tmp_path / 'tiny.py'), cfg)
    return fault_inject.Case(config, batch=2)


def _train(config: str, work_dir: str, name: str) -> None:
    run_tool_in_process('train.py', config, '--work-dir', work_dir, '--resume', '--no-validate',
                        '--cfg-options', f'experiment_name={name}')


def test_kill_during_save_then_resume(tmp_path, tiny_case):
    config = fault_inject.derive_config(tiny_case, str(tmp_path / 'run'), iters=4)
    reference, killed = str(tmp_path / 'reference'), str(tmp_path / 'killed')
    _train(config, reference, 'reference')

    event = fault_inject.kill_during_save(config, killed, 'iter_4.pth')
    assert event['half_written'].startswith('.iter_4.pth.')  # the temporary file
    state = fault_inject.checkpoint_state(killed)
    assert state['last_checkpoint'] == 'iter_2.pth' and state['loadable'] and state['iter'] == 2
    assert not osp.exists(osp.join(killed, 'iter_4.pth'))

    _train(config, killed, 'resumed')
    assert not [n for n in os.listdir(killed) if n.endswith('.partial')]
    result = fault_inject.compare_weights(osp.join(reference, 'iter_4.pth'),
                                          osp.join(killed, 'iter_4.pth'))
    assert result['identical'], result
