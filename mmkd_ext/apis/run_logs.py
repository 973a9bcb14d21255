"""What a finished run left in its work directory, read back."""
import glob
import json
import os.path as osp
from typing import Dict

__all__ = ['last_val_metrics']

#: Keys of mmengine's scalar log rows that are not metrics.
_NOT_METRICS = ('step', 'iter', 'epoch', 'time', 'data_time')


def last_val_metrics(work_dir: str) -> Dict[str, float]:
    """The metrics of the last validation logged under ``work_dir`` (mmengine's
    ``<timestamp>/vis_data/scalars.json``, newest run first); empty without one. A
    validation logged as several rows at one step (MMRazor's QAT loop logs ``qat.*`` and
    ``original.*`` apart) gives the metrics of all of them."""
    runs = sorted(glob.glob(osp.join(glob.escape(work_dir), '*', 'vis_data', 'scalars.json')))
    for path in reversed(runs):
        with open(path) as f:
            rows = [json.loads(line) for line in f if line.strip()]
        vals = [r for r in rows if not any(k.startswith(('loss', 'lr')) for k in r)]
        if vals:
            metrics = {}
            for row in reversed(vals):
                if row.get('step') != vals[-1].get('step'):
                    break
                metrics = {**{k: v for k, v in row.items() if k not in _NOT_METRICS}, **metrics}
            return metrics
    return {}
