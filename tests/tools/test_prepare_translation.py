"""tools/prepare_data.py translation: the copy with held-out photos, and the messages when
there is nothing to copy."""
import importlib.util
import os.path as osp

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
spec = importlib.util.spec_from_file_location('prepare_data',
                                              osp.join(REPO, 'tools', 'prepare_data.py'))
pd = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pd)


def test_copies_and_holds_every_eighth_photo_out(tmp_path, capsys):
    shared = tmp_path / 'shared' / 'translation'
    for domain, count in (('photo', 10), ('vangogh', 2), ('ukiyoe', 1)):
        (shared / domain).mkdir(parents=True)
        for i in range(count):
            (shared / domain / f'{domain}{i:02d}.png').write_bytes(b'x')
    out = tmp_path / 'data'
    assert pd.main(['translation', '--shared', str(tmp_path / 'shared'), '--out',
                    str(out)]) == 0
    assert sorted(p.name for p in (out / 'translation' / 'photo_test').iterdir()) == [
        'photo00.png', 'photo08.png']
    assert len(list((out / 'translation' / 'photo').iterdir())) == 8
    assert len(list((out / 'translation' / 'ukiyoe').iterdir())) == 1
    assert 'warning' in capsys.readouterr().err  # not the reference set
    assert pd.main(['translation', '--shared', str(tmp_path / 'shared'), '--out',
                    str(out)]) == 0  # again: nothing to do, same layout


def test_says_how_to_get_the_data(tmp_path, capsys):
    assert pd.main(['translation', '--shared', str(tmp_path), '--out', str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f'{tmp_path}/translation not found' in err and '--shared DIR' in err
    assert pd.main(['translation', '--source', 'packages', '--out', str(tmp_path)]) == 1
    assert 'not implemented' in capsys.readouterr().err
    message = pd.missing_data_message('data/translation')
    assert 'tools/prepare_data.py translation' in message
    assert 'vangogh2photo.zip' in pd.missing_data_message('data/cyclegan/vangogh2photo/trainB')
