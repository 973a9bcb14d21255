"""A replay buffer of generated images together with the sym-parameter that made them."""
from typing import Tuple

import torch
from torch import nn

__all__ = ['SymImagePool']


class SymImagePool(nn.Module):
    """CycleGAN's image pool (mmagic ``GANImageBuffer``) storing ``(fake, s)`` pairs, so a
    discriminator's loss on a replayed image is weighted by the ``s`` that produced it.

    Until ``size`` pairs are stored every query adds and returns its inputs; afterwards each
    returned pair is, with probability ``ratio``, an old one (replaced by the new one) and
    the new one otherwise. Draws use torch's global generator (seeded by the runner). The
    contents are the module's extra state, so they travel in checkpoints and a resumed run
    continues with the same pool.

    Args:
        size (int): Pairs kept; 0 disables the pool. Defaults to 50.
        ratio (float): Chance of returning a stored pair once full. Defaults to 0.5.
    """

    def __init__(self, size: int = 50, ratio: float = 0.5):
        super().__init__()
        if not isinstance(size, int) or size < 0:
            raise ValueError(f'pool size must be an int >= 0, got {size!r}')
        if not 0.0 <= ratio <= 1.0:
            raise ValueError(f'pool ratio must lie in [0, 1], got {ratio!r}')
        self.size, self.ratio = size, float(ratio)
        self.images, self.syms = [], []

    def __len__(self) -> int:
        return len(self.images)

    @torch.no_grad()
    def query(self, images: torch.Tensor,
              s: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """(N, C, H, W) fakes and their (N, n) ``s`` -> N detached pairs to judge."""
        if self.size == 0:
            return images.detach(), s.detach()
        out_images, out_syms = [], []
        for image, sym in zip(images.detach(), s.detach()):
            if len(self.images) < self.size:
                self.images.append(image.clone())
                self.syms.append(sym.clone())
            elif float(torch.rand(())) < self.ratio:
                index = int(torch.randint(len(self.images), ()))
                self.images[index], image = image.clone(), self.images[index]
                self.syms[index], sym = sym.clone(), self.syms[index]
            out_images.append(image)
            out_syms.append(sym)
        return torch.stack(out_images), torch.stack(out_syms)

    def get_extra_state(self) -> dict:
        if not self.images:
            return {'images': torch.empty(0), 's': torch.empty(0)}
        return {'images': torch.stack(self.images), 's': torch.stack(self.syms)}

    def set_extra_state(self, state: dict) -> None:
        images, syms = state['images'], state['s']
        self.images = list(images.unbind(0)) if images.numel() else []
        self.syms = list(syms.unbind(0)) if syms.numel() else []

    def _apply(self, fn, recurse=True):  # .to(device) / .cuda() move the stored pairs
        self.images = [fn(t) for t in self.images]
        self.syms = [fn(t) for t in self.syms]
        return super()._apply(fn, recurse)

    def extra_repr(self) -> str:
        return f'size={self.size}, ratio={self.ratio}'
