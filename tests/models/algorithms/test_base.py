import pytest
import torch

from mmkd_ext.models.algorithms.base import build_frozen_teacher, load_teacher_weights
from mmkd_ext.registry import MODELS
from tests.models._editors import tiny_editor


def save(path, state):
    torch.save({'meta': {}, 'state_dict': state}, path)
    return str(path)


def test_loads_plain_ddp_and_student_prefixed_checkpoints(tmp_path):
    source = MODELS.build(tiny_editor(8, 2))
    state = source.state_dict()
    for name, ckpt in [('plain', state),
                       ('ddp', {f'module.{k}': v for k, v in state.items()}),
                       ('algo', {**{f'student.{k}': v for k, v in state.items()},
                                 'connectors.body.conv.weight': torch.zeros(1)})]:
        teacher = build_frozen_teacher(tiny_editor(8, 2), save(tmp_path / f'{name}.pth', ckpt))
        for k, v in teacher.state_dict().items():
            assert torch.equal(v, state[k]), (name, k)
        assert all(not p.requires_grad for p in teacher.parameters())
        assert not teacher.training


def test_missing_checkpoint():
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        build_frozen_teacher(tiny_editor(), 'nope.pth')


def test_mismatched_checkpoint_names_the_problem(tmp_path):
    other = MODELS.build(tiny_editor(16, 2)).state_dict()
    path = save(tmp_path / 'wide.pth', other)
    teacher = MODELS.build(tiny_editor(8, 2))
    with pytest.raises(ValueError, match=r'size mismatch: \[.generator.conv_first.weight: '
                                         r'checkpoint \(16, 3, 3, 3\) vs model \(8, 3, 3, 3\)'):
        load_teacher_weights(teacher, path)
    deeper = MODELS.build(tiny_editor(8, 3)).state_dict()
    with pytest.raises(ValueError, match=r'not in the teacher: \[.generator.body.2'):
        load_teacher_weights(teacher, save(tmp_path / 'deep.pth', deeper))


def test_checkpoint_without_tensors(tmp_path):
    path = tmp_path / 'meta.pth'
    torch.save({'state_dict': {'a': 1}}, path)
    with pytest.raises(ValueError, match='no state_dict of tensors'):
        load_teacher_weights(MODELS.build(tiny_editor()), str(path))
