"""tests/tools/_tool_batch.py: tools run as ``__main__`` with their own argv, without their
folder on ``sys.path``; exits, expected exits, failures and skipped steps are reported."""
import json
import os.path as osp

from tests.tools._tiny_sr import run_script

PROBE = '''import json, os.path as osp, sys
here = osp.dirname(osp.abspath(__file__))
with open(sys.argv[1], 'w') as f:
    json.dump(dict(argv=sys.argv, on_path=any(osp.abspath(p or '.') == here
                                               for p in sys.path)), f)
'''


def test_runs_each_command_line_without_editing_sys_path(tmp_path):
    scripts = tmp_path / 'scripts'
    scripts.mkdir()
    (scripts / 'probe.py').write_text(PROBE)
    (scripts / 'stop.py').write_text("import sys\nsys.exit('stopped on purpose')\n")
    (scripts / 'boom.py').write_text("raise RuntimeError('boom')\n")
    seen = str(tmp_path / 'seen.json')
    plan = [
        dict(group='a', step='probe', argv=[str(scripts / 'probe.py'), seen]),
        dict(group='a', step='stop', argv=[str(scripts / 'stop.py')],
             expect_exit='on purpose'),
        dict(group='a', step='a real tool', argv=['tools/benchmarks/cls_data.py', '--help']),
        dict(group='b', step='boom', argv=[str(scripts / 'boom.py')]),
        dict(group='b', step='after boom', argv=[str(scripts / 'probe.py'), seen]),
    ]
    (tmp_path / 'plan.json').write_text(json.dumps(plan))
    proc = run_script([osp.join('tests', 'tools', '_tool_batch.py'), str(tmp_path / 'plan.json'),
                       str(tmp_path / 'results.json')])
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = {r['step']: r for r in json.loads((tmp_path / 'results.json').read_text())}
    probe = json.loads((tmp_path / 'seen.json').read_text())
    assert probe == dict(argv=[str(scripts / 'probe.py'), seen], on_path=False)
    assert results['probe']['rc'] == 0
    assert results['stop']['rc'] == 1 and 'on purpose' in results['stop']['error']
    assert results['a real tool']['rc'] == 0, results['a real tool']['error']
    assert results['boom']['rc'] == 1 and 'RuntimeError: boom' in results['boom']['error']
    assert results['after boom']['rc'] is None and 'skipped' in results['after boom']['error']
