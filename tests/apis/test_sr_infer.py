"""Super-resolution inference: tiles stitch to the untiled result, which is mmagic's own
prediction; an extracted student runs; bad images and checkpoints stop with clear errors."""
import os.path as osp
import runpy

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope

from mmkd_ext.apis import SRInferencer, super_resolve
from mmkd_ext.apis.sr_infer import tile_spans, upsampler_scale
from mmkd_ext.registry import MODELS
from tests.models._editors import tiny_editor

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(REPO, 'tools', 'sr_infer.py')


def _config(scale: int = 2, channels: int = 8) -> Config:
    return Config(dict(default_scope='mmkd_ext', model=tiny_editor(channels, 1, scale)))


def _checkpoint(path, scale: int = 2, channels: int = 8, seed: int = 0) -> str:
    init_default_scope('mmkd_ext')
    torch.manual_seed(seed)
    model = MODELS.build(tiny_editor(channels, 1, scale))
    torch.save({'state_dict': model.state_dict()}, str(path))
    return str(path)


def _image(path, h: int = 21, w: int = 27, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, (4, 5, 3), dtype=np.uint8)
    rgb = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
    rgb = np.clip(rgb.astype(np.int16) + rng.integers(-20, 20, rgb.shape), 0, 255)
    cv2.imwrite(str(path), rgb.astype(np.uint8)[..., ::-1])
    return str(path)


def test_tile_spans_partition_the_image_and_overlap_within_it():
    spans = tile_spans(21, 8, 3)
    assert [(a, b) for a, b, _, _ in spans] == [(0, 8), (8, 16), (16, 21)]
    assert [(c, d) for _, _, c, d in spans] == [(0, 11), (5, 19), (13, 21)]
    assert tile_spans(21, 0, 3) == tile_spans(21, 64, 3) == [(0, 21, 0, 21)]


def test_upsampler_scale_from_pixel_shuffle_weights():
    def shapes(scale):
        init_default_scope('mmkd_ext')
        return {k: tuple(v.shape) for k, v in
                MODELS.build(tiny_editor(8, 1, scale)).state_dict().items()}

    assert [upsampler_scale(shapes(s)) for s in (2, 3, 4)] == [2, 3, 4]
    assert upsampler_scale({'generator.conv_first.weight': (8, 3, 3, 3)}) is None


def test_untiled_equals_mmagic_prediction_and_tiles_stitch_to_it(tmp_path):
    ckpt = _checkpoint(tmp_path / 'x2.pth')
    image = _image(tmp_path / 'lr.png')
    whole = SRInferencer(_config(), ckpt, tile=0)
    out = whole.predict(image, as_float=True)
    assert out.shape == (42, 54, 3) and out.dtype == np.float32

    # mmagic's own path: its test pipeline and predict mode (mmagic returns BGR here)
    pipeline = Compose([dict(type='mmagic.LoadImageFromFile', key='img', channel_order='rgb'),
                        dict(type='mmagic.PackInputs')])
    item = pipeline(dict(img_path=image))
    data = whole.model.data_preprocessor(dict(inputs=[item['inputs']],
                                              data_samples=[item['data_samples']]))
    with torch.no_grad():
        pred = whole.model(**data, mode='predict')[0].output.pred_img
    assert np.allclose(out, pred.flip(0).permute(1, 2, 0).numpy(), atol=1e-4)

    # 1 residual block: 5 LR convolutions + 1 HR one, a receptive-field radius under 6
    tiled = SRInferencer(_config(), ckpt, tile=8, tile_overlap=6)
    assert np.allclose(tiled.predict(image, as_float=True), out, atol=1e-4)
    assert np.abs(tiled.predict(image).astype(int) - np.round(out)).max() <= 1  # rounding
    seams = SRInferencer(_config(), ckpt, tile=8, tile_overlap=0).predict(image, True)
    assert not np.allclose(seams, out, atol=1e-2)  # without overlap the seams show


def test_an_extracted_student_super_resolves_like_the_student_it_came_from(tmp_path):
    from tests.tools._tiny_sr import distill_model, student_cfg
    init_default_scope('mmkd_ext')
    torch.manual_seed(0)
    algorithm = MODELS.build(distill_model(teacher_ckpt=None))
    run = str(tmp_path / 'iter_2.pth')
    torch.save({'state_dict': algorithm.state_dict(), 'meta': {'iter': 2}}, run)
    student = str(tmp_path / 'student.pth')
    extract = osp.join(REPO, 'tools', 'model_converters', 'extract_student.py')
    _run_tool(extract, run, student)

    image = _image(tmp_path / 'lr.png', 12, 10)
    config = Config(dict(default_scope='mmkd_ext', model=student_cfg()))
    out = SRInferencer(config, student, tile=0).predict(image, as_float=True)
    lr = torch.from_numpy(cv2.imread(image)[..., ::-1].copy()).permute(2, 0, 1)[None] / 255.
    with torch.no_grad():
        expected = algorithm.student.generator(lr.float())[0].clamp(0, 1) * 255
    assert np.allclose(out, expected.permute(1, 2, 0).numpy(), atol=1e-3)

    # the distillation config works as well: its student is built
    distill_cfg = Config(dict(default_scope='mmkd_ext', model=distill_model(None)))
    assert np.allclose(SRInferencer(distill_cfg, student, tile=0).predict(image, True), out)

    # the checkpoint of the run itself: extract the student first, with the command
    with pytest.raises(ValueError, match='extract the student first') as error:
        SRInferencer(config, run)
    assert f'extract_student.py {run} student.pth' in str(error.value)


def _run_tool(path: str, *args: str) -> None:
    import sys
    argv = sys.argv
    sys.argv = [path, *args]
    try:
        runpy.run_path(path, run_name='__main__')
    except SystemExit as exit_:
        assert not exit_.code, exit_.code
    finally:
        sys.argv = argv


def test_scale_of_the_checkpoint_differs_from_the_config(tmp_path):
    ckpt = _checkpoint(tmp_path / 'x3.pth', scale=3)
    with pytest.raises(ValueError, match=r'x3 model .*the config builds a x2 one'):
        SRInferencer(_config(scale=2), ckpt)
    ckpt = _checkpoint(tmp_path / 'x4.pth', scale=4)
    with pytest.raises(ValueError, match=r'x4 model .*x2 one'):
        SRInferencer(_config(scale=2), ckpt)


def test_other_architecture_names_the_keys(tmp_path):
    ckpt = _checkpoint(tmp_path / 'c16.pth', channels=16)
    with pytest.raises(ValueError, match=r'does not fit .*other shapes: generator\.'):
        SRInferencer(_config(channels=8), ckpt)


def test_bad_inputs(tmp_path):
    ckpt = _checkpoint(tmp_path / 'x2.pth')
    bad = tmp_path / 'notes.png'
    bad.write_text('not an image')
    with pytest.raises(ValueError, match=r'cannot read image .*notes\.png'):
        super_resolve(_config(), ckpt, [str(bad)], str(tmp_path / 'out'))
    with pytest.raises(FileNotFoundError, match='missing.png'):
        super_resolve(_config(), ckpt, [str(tmp_path / 'missing.png')], str(tmp_path / 'o'))
    a = _image(tmp_path / 'a.png')
    (tmp_path / 'b').mkdir()
    b = _image(tmp_path / 'b' / 'a.jpg')
    with pytest.raises(ValueError, match='would both be written'):
        super_resolve(_config(), ckpt, [a, b], str(tmp_path / 'out'))
    with pytest.raises(ValueError, match='would overwrite the input'):
        super_resolve(_config(), ckpt, [a], str(tmp_path))
    with pytest.raises(ValueError, match='tile must be an int >= 0'):
        SRInferencer(_config(), ckpt, tile=-1)
    with pytest.raises(FileNotFoundError, match='checkpoint'):
        SRInferencer(_config(), str(tmp_path / 'none.pth'))
    assert not (tmp_path / 'out').exists()  # nothing written before the checks pass


def test_tool_writes_one_png_per_image_and_reports_errors(tmp_path, capsys):
    ckpt = _checkpoint(tmp_path / 'x2.pth')
    cfg_file = str(tmp_path / 'edsr_x2.py')
    _config().dump(cfg_file)
    images = [_image(tmp_path / 'a.png'), _image(tmp_path / 'b.jpg', 9, 13, seed=1)]
    tool = runpy.run_path(TOOL)
    out = str(tmp_path / 'sr')
    assert tool['main']([cfg_file, ckpt, *images, '--out', out, '--tile', '8']) == 0
    written = capsys.readouterr().out.split()
    assert written == [osp.join(out, 'a.png'), osp.join(out, 'b.png')]
    assert cv2.imread(written[1]).shape == (18, 26, 3)

    bad = tmp_path / 'bad.jpg'
    bad.write_bytes(b'\xff\xd8 truncated')
    assert tool['main']([cfg_file, ckpt, str(bad), '--out', out]) == 2
    assert 'sr_infer: error: cannot read image' in capsys.readouterr().err
