import glob
import os.path as osp

import cv2
import pytest
from mmengine.runner import Runner

from tests.tools._tiny_sr import distill_model, make_sr_data, sr_config


def lsfd_model():
    model = distill_model(None)
    model['distill_losses']['body']['loss'] = dict(type='LSFDLoss', tau=1.0)
    return model


def at_model():
    """AT between the 8-channel student and the 16-channel teacher, no connector."""
    model = distill_model(None)
    model['distill_losses']['body'].update(connector=None, loss=dict(type='ATLoss'))
    return model


@pytest.mark.parametrize('model, panels', [(lsfd_model, 6), (lambda: distill_model(None), 5),
                                           (at_model, 5)])
def test_writes_panels_through_the_visualizer(tmp_path, model, panels):
    data = make_sr_data(str(tmp_path / 'data'), num=2)
    cfg = sr_config(model(), data, max_iters=3)
    cfg.update(
        work_dir=str(tmp_path / 'work'),
        custom_hooks=[dict(type='DistillVisualizationHook', interval=2, index=1)],
        visualizer=dict(type='Visualizer', vis_backends=[
            dict(type='LocalVisBackend'), dict(type='OptionalTensorboardVisBackend')]))
    cfg['train_cfg']['val_interval'] = 100
    Runner.from_cfg(cfg).train()
    files = sorted(glob.glob(str(tmp_path / 'work' / '*' / 'vis_data' / 'vis_image' / '*.png')))
    # every 2 iterations and at the last one: steps 2 and 3
    assert [osp.basename(f) for f in files] == ['distill_2.png', 'distill_3.png']
    img = cv2.imread(files[-1])
    hr = 32  # validation image 1 of the tiny set, x2 of 16
    assert img.shape == (hr, panels * hr + (panels - 1) * 4, 3)


def test_bad_interval():
    from mmkd_ext.engine.hooks import DistillVisualizationHook
    with pytest.raises(ValueError, match='positive int'):
        DistillVisualizationHook(interval=0)


def test_hr_panel_is_the_normalised_target(tmp_path):
    import numpy as np
    from mmengine.runner import Runner

    from mmkd_ext.engine.hooks import DistillVisualizationHook
    data = make_sr_data(str(tmp_path / 'data'), num=2)
    cfg = sr_config(distill_model(None), data)
    cfg['work_dir'] = str(tmp_path / 'work')
    runner = Runner.from_cfg(cfg)
    img = DistillVisualizationHook(index=0).panels(runner)
    tile = img[20:, 3 * (32 + 4):3 * (32 + 4) + 32]  # LR | student | teacher | HR | ...
    # below the label, the HR panel is one of the HR files (RGB), not a clipped 0-255 map
    errors = [np.abs(tile.astype(int) - cv2.imread(osp.join(data, 'HR', f'img{i}.png'))[
        20:, :, ::-1].astype(int)).max() for i in range(2)]
    assert min(errors) <= 1, errors


def test_at_panels_show_the_attention_distance(tmp_path):
    import numpy as np

    from mmkd_ext.engine.hooks import DistillVisualizationHook
    data = make_sr_data(str(tmp_path / 'data'), num=2)
    cfg = sr_config(at_model(), data)
    cfg['work_dir'] = str(tmp_path / 'work')
    runner = Runner.from_cfg(cfg)
    img = DistillVisualizationHook(index=0).panels(runner)
    assert img.shape == (32, 5 * 32 + 4 * 4, 3)
    # the distance panel (8 x 16 channels compared through attention maps) is not blank
    tile = img[20:, 4 * (32 + 4):]
    assert np.ptp(tile.astype(int)) > 0
