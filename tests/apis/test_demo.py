"""The demo's pieces that run without the demo data: its table and its configs."""
import os.path as osp

from mmkd_ext.apis.demo import RUNS, TEACHER_CFG, TEACHER_CKPT, _model_type, format_table

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_table_gain_is_over_the_student_alone_of_the_same_source():
    rows = [('bicubic', '-', 0, {'PSNR': 27.27, 'SSIM': 0.76}, None),
            ('teacher', 'shipped', 100, {'bench14/PSNR': 28.23, 'bench14/SSIM': 0.79}, None),
            ('alone', 'trained now (2000 it)', 10, {'PSNR': 27.50, 'SSIM': 0.77}, 100.0),
            ('lsfd', 'trained now (2000 it)', 10, {'PSNR': 27.56, 'SSIM': 0.775}, 90.0),
            ('alone', 'shipped', 10, {'bench14/PSNR': 28.20, 'bench14/SSIM': 0.79}, None),
            ('lsfd', 'shipped', 10, {'bench14/PSNR': 28.32, 'bench14/SSIM': 0.80}, None)]
    lines = format_table(rows).splitlines()
    assert lines[0].startswith('| model | source |')
    assert '| alone | trained now (2000 it) | 10 | 27.50 | 0.7700 | +0.00 | 100 |' in lines
    assert '| lsfd | trained now (2000 it) | 10 | 27.56 | 0.7750 | +0.06 | 90 |' in lines
    assert '| lsfd | shipped | 10 | 28.32 | 0.8000 | +0.12 | - |' in lines
    assert '| teacher | shipped | 100 | 28.23 | 0.7900 | - | - |' in lines
    # a shipped student without a shipped student alone has no gain to show
    assert '| lsfd | shipped | 10 | 28.32 | 0.8000 | - | - |' in \
        format_table(rows[:4] + rows[5:]).splitlines()


def test_demo_configs_exist_and_distil_from_a_teacher():
    assert osp.isfile(osp.join(REPO, TEACHER_CFG)) and osp.isfile(osp.join(REPO, TEACHER_CKPT))
    names = [n for n, _ in RUNS]
    assert names[0] == 'alone' and len(set(names)) == len(names)
    for name, config in RUNS:
        kind = _model_type(osp.join(REPO, config))
        assert (kind == 'FeatureDistill') == (name != 'alone'), (name, kind)
