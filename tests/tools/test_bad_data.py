"""Bad data stops training with a message that names the file or folder."""
import os

import pytest

from tests.tools._tiny_sr import (
    distill_model,
    make_sr_data,
    make_teacher_ckpt,
    run_script,
    run_tool_in_process,
    sr_config,
    write_config,
)


def test_folder_without_images_stops_before_training(tmp_path):
    data = make_sr_data(str(tmp_path / 'data'), num=2)
    for name in os.listdir(os.path.join(data, 'LR')):
        os.remove(os.path.join(data, 'LR', name))
    cfg = write_config(str(tmp_path / 'cfg.py'), sr_config(distill_model(None), data))
    with pytest.raises(SystemExit, match=r'LR holds no image files \(.png'):
        run_tool_in_process('train.py', cfg, '--work-dir', str(tmp_path / 'work'))


def test_unreadable_image_names_the_file(tmp_path):
    data = make_sr_data(str(tmp_path / 'data'), num=2)
    with open(os.path.join(data, 'LR', 'img1.png'), 'wb') as f:
        f.write(b'\x89PNG truncated')
    ckpt = make_teacher_ckpt(str(tmp_path / 'teacher.pth'))
    cfg = sr_config(distill_model(ckpt), data)
    cfg['train_dataloader']['sampler']['shuffle'] = False
    result = run_script(['tools/train.py', write_config(str(tmp_path / 'cfg.py'), cfg),
                         '--work-dir', str(tmp_path / 'work')])
    assert result.returncode != 0
    assert "cannot decode image '" in result.stderr and "img1.png'" in result.stderr
