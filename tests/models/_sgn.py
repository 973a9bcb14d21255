"""A tiny SGN for tests: 4-channel generator with 1 residual block, 4-channel PatchGANs."""
from typing import Optional

import torch
from mmengine.optim import OptimWrapper, OptimWrapperDict

DOMAINS = ('photo', 'vangogh', 'ukiyoe')


def tiny_sgn_cfg(terms: Optional[list] = None, **kwargs) -> dict:
    return dict(
        type='SGN',
        source_domain='photo',
        generator=dict(type='SGNGenerator', base_channels=4, num_blocks=1),
        discriminator=dict(type='mmagic.PatchDiscriminator', in_channels=3, base_channels=4,
                           num_conv=2, norm_cfg=dict(type='IN'),
                           init_cfg=dict(type='normal', gain=0.02)),
        terms=terms or [dict(kind='reconstruction'),
                        dict(kind='adversarial', domain='vangogh'),
                        dict(kind='adversarial', domain='ukiyoe', identity_weight=0.0)],
        **kwargs)


def tiny_sgn(terms: Optional[list] = None, **kwargs):
    from mmkd_ext.registry import MODELS
    model = MODELS.build(tiny_sgn_cfg(terms, **kwargs))
    model.init_weights()
    return model


def tiny_inputs(n: int = 2, size: int = 16, seed: int = 0) -> dict:
    """A preprocessed batch: ``img_{domain}`` (n, 3, size, size) in [-1, 1]."""
    g = torch.Generator().manual_seed(seed)
    return {f'img_{d}': torch.rand(n, 3, size, size, generator=g) * 2 - 1 for d in DOMAINS}


def tiny_raw_batch(n: int = 2, size: int = 16, seed: int = 0) -> dict:
    """What a dataloader gives: uint8 (3, size, size) per domain and sample."""
    g = torch.Generator().manual_seed(seed)
    return dict(inputs=[{f'img_{d}': torch.randint(0, 256, (3, size, size), generator=g,
                                                   dtype=torch.uint8) for d in DOMAINS}
                        for _ in range(n)])


def tiny_optim(model, lr: float = 2e-4) -> OptimWrapperDict:
    def adam(module):
        return OptimWrapper(torch.optim.Adam(module.parameters(), lr=lr, betas=(0.5, 0.999)))

    wrappers = dict(generator=adam(model.generator))
    if model.adv_domains:
        wrappers['discriminators'] = adam(model.discriminators)
    return OptimWrapperDict(**wrappers)


def write_tiny_run(folder) -> tuple:
    """A config inheriting the CPU-scale SGN config with a tiny generator, and a checkpoint
    of it as mmengine writes one (``state_dict`` with ``generator.*``, discriminators, pools).
    Returns ``(config path, checkpoint path)``."""
    import os.path as osp

    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from mmkd_ext.registry import MODELS
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    base = osp.join(repo, 'configs', 'sgn',
                    'sgn-vangogh+ukiyoe_resnet-c16b4_1xb4-2k_translation-demo.py')
    config = osp.join(str(folder), 'tiny_sgn.py')
    with open(config, 'w') as f:
        f.write(f'_base_ = [{base!r}]\n'
                "model = dict(generator=dict(base_channels=4, num_blocks=1),\n"
                "             discriminator=dict(base_channels=4, num_conv=2))\n")
    init_default_scope('mmkd_ext')
    model = MODELS.build(Config.fromfile(config).model)
    model.init_weights()
    model.train_step(tiny_raw_batch(), tiny_optim(model))  # fills the pools
    checkpoint = osp.join(str(folder), 'iter_2.pth')
    torch.save(dict(meta=dict(iter=2), state_dict=model.state_dict()), checkpoint)
    return config, checkpoint
