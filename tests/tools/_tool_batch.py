"""Run a list of ``tools/*.py`` command lines one after another in this process.

    python tests/tools/_tool_batch.py PLAN.json RESULTS.json

Each entry of PLAN is ``{"group": ..., "step": ..., "argv": [script, arg, ...]}``: the
script runs as ``__main__`` with exactly that ``sys.argv`` (what ``python script arg ...``
runs), from the current working directory, importing the installed package (tools import
no sibling modules, so their folder is not put on ``sys.path``). A step that fails skips
the later steps of its group; a step with ``expect_exit`` must stop with that text in its
message. RESULTS gets one entry per step: ``rc`` (0, the ``sys.exit`` code, or 1
for an exception), ``error`` (the exit message or the traceback), ``seconds`` (wall) and
``cpu_seconds``. One process saves every further command the ~7 s of importing torch,
mmengine and the host packages; between commands the process-wide mmengine singletons
(default scope, loggers, message hubs, visualizers) are forgotten, as a new process would
have none.
"""
import gc
import json
import logging
import runpy
import sys
import time
import traceback


def _forget_singletons() -> None:
    from mmengine.logging import MessageHub, MMLogger
    from mmengine.registry import DefaultScope
    from mmengine.visualization import Visualizer
    for logger in MMLogger._instance_dict.values():
        for handler in list(logger.handlers):
            if isinstance(handler, logging.FileHandler):
                handler.close()
                logger.removeHandler(handler)
    for cls in (DefaultScope, MMLogger, MessageHub, Visualizer):
        cls._instance_dict.clear()


def run_step(argv: list) -> tuple:
    """(rc, error) of ``python argv[0] argv[1:]`` run in this process."""
    saved_argv = sys.argv
    sys.argv = list(argv)
    try:
        runpy.run_path(argv[0], run_name='__main__')
        return 0, ''
    except SystemExit as stop:
        if stop.code in (None, 0):
            return 0, ''
        return (stop.code if isinstance(stop.code, int) else 1), str(stop.code)
    except BaseException:  # noqa: BLE001  (reported in RESULTS, the next group still runs)
        return 1, traceback.format_exc()
    finally:
        sys.argv = saved_argv
        _forget_singletons()
        # mmengine's datasets call gc.collect() when they are built; what survives a
        # command is moved out of the collector's reach, so that each collection only
        # walks the objects of the current command, as in a fresh process.
        gc.collect()
        gc.freeze()


def main(plan_path: str, results_path: str) -> None:
    with open(plan_path) as f:
        plan = json.load(f)
    results, failed_groups = [], set()
    for entry in plan:
        if entry['group'] in failed_groups:
            results.append(dict(entry, rc=None, error='skipped: an earlier step failed',
                                seconds=0.0, cpu_seconds=0.0))
        else:
            print(f'== {entry["group"]}: {entry["step"]}', flush=True)
            start, cpu = time.perf_counter(), time.process_time()
            rc, error = run_step(entry['argv'])
            results.append(dict(entry, rc=rc, error=error, seconds=time.perf_counter() - start,
                                cpu_seconds=time.process_time() - cpu))
            expected = entry.get('expect_exit')  # a step that must stop with this message
            if (rc != 0 and not (expected and expected in error)) or (rc == 0 and expected):
                failed_groups.add(entry['group'])
                print(f'!! {entry["group"]}: {entry["step"]} failed (rc {rc})\n{error}',
                      flush=True)
        with open(results_path, 'w') as f:  # written as it goes: a timeout keeps the rest
            json.dump(results, f, indent=1)


if __name__ == '__main__':
    main(*sys.argv[1:])
