"""Step time of SR feature distillation, measured side by side in one process.

Compares on the same networks, batch and machine (one optimizer step each):
  reference       fp32 teacher no-grad forward (whole network) + student train step
  floor           fp32 teacher forward up to the deepest tap + student train step: the
                  work any feature distillation needs
  mmrazor-fitnet  MMRazor 1.0 SingleTeacherDistill + ConfigurableDistiller, FitNet
                  (1x1 conv connector, L1) on the body output before the upsampler
  fitnet          mmkd_ext FeatureDistill + FitNetLoss, fp32 teacher
  lsfd            mmkd_ext FeatureDistill + LSFDLoss (3x3 regressor, the default local
                  mode, attention)
  lsfd-auto       the same with teacher_precision='auto' (channels-last; bf16 where fast)
  lsfd-fast       the same with the teacher in bf16 autocast + channels_last
The variants are timed in turn (interleaved, round robin) and the median is reported with
ratios to MMRazor's step, to the reference and to the floor. Memory: the bytes each step
keeps for backward (activations saved by autograd), over the floor's. Last, the cost of
the LSFD loss alone (forward + backward) at several feature sizes: time and saved bytes
against the number of positions H*W.

With ``--formats``, only the memory formats: the teacher's no-grad forward and the student's
train step (forward, backward, Adam) in contiguous and channels-last fp32, same weights and
batch, with the largest differences of their outputs, and the whole LSFD step with
``teacher_precision='auto'`` (channels-last teacher) and also ``student_channels_last``
against fp32 contiguous (the demo pair: ``--teacher 32 8 --student 16 4 --batch 8
--lr-size 24``).

The command line: ``tools/benchmarks/distill_step.py``.
"""
import argparse
import copy

import torch
from mmagic.structures import DataSample
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope

from mmkd_ext.benchmark import interleaved_medians
from mmkd_ext.registry import MODELS

TAP = 'generator.upsample:input'


def editor(channels, blocks, scale, res_scale):
    return dict(
        type='mmagic.BaseEditModel',
        generator=dict(type='mmagic.EDSRNet', in_channels=3, out_channels=3,
                       mid_channels=channels, num_blocks=blocks, upscale_factor=scale,
                       res_scale=res_scale),
        pixel_loss=dict(type='mmagic.L1Loss'),
        data_preprocessor=dict(type='mmagic.DataPreprocessor', mean=[0.] * 3,
                               std=[255.] * 3))


def ours(args, loss, connector_k, **kwargs):
    return MODELS.build(dict(
        type='FeatureDistill',
        student=editor(*args.student, args.scale, 1.0),
        teacher=editor(*args.teacher, args.scale, 0.1),
        distill_losses=dict(body=dict(student=TAP, teacher=TAP,
                                      connector=dict(type='ConvRegressor',
                                                     kernel_size=connector_k),
                                      loss=loss)),
        **kwargs))


def mmrazor_fitnet(args):
    import mmrazor.models  # noqa: F401
    from mmrazor.registry import MODELS as RAZOR_MODELS
    s_ch, t_ch = args.student[0], args.teacher[0]
    return RAZOR_MODELS.build(dict(
        _scope_='mmrazor',
        type='SingleTeacherDistill',
        architecture=editor(*args.student, args.scale, 1.0),
        teacher=editor(*args.teacher, args.scale, 0.1),
        distiller=dict(
            type='ConfigurableDistiller',
            student_recorders=dict(body=dict(type='ModuleInputs', source='generator.upsample')),
            teacher_recorders=dict(body=dict(type='ModuleInputs', source='generator.upsample')),
            distill_losses=dict(loss_body=dict(type='L1Loss', loss_weight=1.0)),
            connectors=dict(body_sfeat=dict(type='ConvModuleConnector', in_channel=s_ch,
                                            out_channel=t_ch, norm_cfg=None, act_cfg=None)),
            loss_forward_mappings=dict(loss_body=dict(
                s_feature=dict(from_student=True, recorder='body', data_idx=0,
                               connector='body_sfeat'),
                t_feature=dict(from_student=False, recorder='body', data_idx=0))))))


class Reference(torch.nn.Module):
    """fp32 teacher no-grad forward (whole, or up to the tap) + the student's train step."""

    def __init__(self, distill, to_tap: bool):
        super().__init__()
        self.student, self.teacher = distill.student, distill.teacher
        self.data_preprocessor = distill.data_preprocessor
        self.distill, self.to_tap = distill, to_tap

    def train_step(self, data, optim_wrapper):
        data = self.data_preprocessor(data, True)
        with torch.no_grad():
            if self.to_tap:
                self.distill.teacher_forward(data['inputs'])
            else:
                self.teacher.generator(data['inputs'])
        losses = self.student(data['inputs'], data['data_samples'], mode='loss')
        optim_wrapper.update_params(sum(losses.values()))


def saved_bytes(step) -> int:
    """Bytes of memory autograd keeps for backward during ``step()``: each storage the saved
    tensors live in, counted once (a tensor saved by several operations, or views of one
    tensor, keep one buffer alive, not several)."""
    storages = {}

    def pack(tensor):
        storage = tensor.untyped_storage()
        storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        step()
    return sum(storages.values())


def attention_cost(channels: int, sizes, repeats: int = 10):
    """Median seconds and autograd-saved bytes of the LSFD loss (forward + backward) on
    (4, C, s, s) features, per size ``s``."""
    from mmkd_ext.models.losses import lsfd_loss

    def loss_step(size):
        s_feat = torch.randn(4, channels, size, size, requires_grad=True)
        t_feat = torch.randn(4, channels, size, size)
        return lambda: lsfd_loss(s_feat, t_feat, tau=1.0)[0].backward()

    steps = {size: loss_step(size) for size in sizes}
    seconds = interleaved_medians(steps, repeats, warmup=2)
    return {size: (seconds[size], saved_bytes(steps[size])) for size in sizes}


def print_attention_cost(channels: int, sizes) -> None:
    cost = attention_cost(channels, sizes)
    base = sizes[0]
    print(f'LSFD loss alone (default local mode, 3x3, + attention), forward + backward, '
          f'batch 4 x {channels} '
          'channels, median of 10:')
    print('| size | positions / first | ms | time / first | saved MB | saved / first |')
    print('|---|---|---|---|---|---|')
    for size in sizes:
        (sec, mem), (sec0, mem0) = cost[size], cost[base]
        print(f'| {size}x{size} | {(size / base) ** 2:.0f} | {1000 * sec:.1f} | {sec / sec0:.2f} '
              f'| {mem / 2**20:.1f} | {mem / mem0:.2f} |')


def memory_format_cost(args) -> None:
    """Print the teacher forward and student step times, contiguous vs channels-last."""
    from mmkd_ext.models.algorithms.base import FastTeacher
    s = args.lr_size
    lr = torch.rand(args.batch, 3, s, s)
    gt = torch.rand(args.batch, 3, s * args.scale, s * args.scale)
    teacher = MODELS.build(editor(*args.teacher, args.scale, 0.1)).generator.eval()
    student = MODELS.build(editor(*args.student, args.scale, 1.0)).generator
    steps, outputs = {}, {}
    for fmt, channels_last in (('contiguous', False), ('channels-last', True)):
        t_net, s_net = copy.deepcopy(teacher), copy.deepcopy(student)
        fast = FastTeacher('fp32', channels_last)
        fast.prepare(t_net)
        if channels_last:
            s_net.to(memory_format=torch.channels_last)
        optim = torch.optim.Adam(s_net.parameters(), lr=1e-4)

        def forward(t_net=t_net, fast=fast):
            with fast.run(lr) as x:
                return t_net(x)

        def train_step(s_net=s_net, optim=optim):
            optim.zero_grad()
            (s_net(lr) - gt).abs().mean().backward()
            optim.step()

        steps[f'teacher {fmt}'], steps[f'student {fmt}'] = forward, train_step
        s_net.zero_grad()
        (s_net(lr) - gt).abs().mean().backward()
        outputs[fmt] = (forward(), [p.grad.clone() for p in s_net.parameters()])
    # the whole LSFD step: fp32 contiguous, then teacher_precision='auto' (channels-last
    # teacher), then also the student and its regressor channels-last
    lsfd = dict(type='LSFDLoss', tau=1.0)
    distills = {'fp32': ours(args, lsfd, 3), 'auto': ours(args, lsfd, 3, teacher_precision='auto'),
                'auto + student': ours(args, lsfd, 3, teacher_precision='auto',
                                       student_channels_last=True)}
    data = random_batch(args)
    for name, model in distills.items():
        model.load_state_dict(distills['fp32'].state_dict())
        optim = OptimWrapper(torch.optim.Adam(
            [p for p in model.parameters() if p.requires_grad], lr=1e-4))
        model.train()
        steps[f'lsfd step {name}'] = (
            lambda model=model, optim=optim: model.train_step(copy.copy(data), optim))
    median = interleaved_medians(steps, args.steps, args.warmup)
    out_diff = (outputs['contiguous'][0] - outputs['channels-last'][0]).abs().max().item()
    grad_diff = max((a - b).abs().max().item() / a.abs().max().clamp_min(1e-12).item()
                    for a, b in zip(outputs['contiguous'][1], outputs['channels-last'][1]))
    print(f'\nfp32 memory formats: EDSR {args.teacher[1]}x{args.teacher[0]} teacher forward '
          f'(no grad), EDSR {args.student[1]}x{args.student[0]} student train step, '
          f'x{args.scale}, batch {args.batch}, LR {s}x{s}, median of {args.steps} interleaved, '
          f'{torch.get_num_threads()} threads')
    print('| part | contiguous s | channels-last s | contiguous / channels-last |')
    print('|---|---|---|---|')
    for part in ('teacher', 'student'):
        a, b = median[f'{part} contiguous'], median[f'{part} channels-last']
        print(f'| {part} | {a:.4f} | {b:.4f} | {a / b:.2f} |')
    for name in ('auto', 'auto + student'):
        a, b = median['lsfd step fp32'], median[f'lsfd step {name}']
        print(f'| LSFD step, {name} channels-last | {a:.4f} | {b:.4f} | {a / b:.2f} |')
    print(f'teacher output max |difference| {out_diff:.2e}; student gradients max relative '
          f'difference {grad_diff:.2e}')


def random_batch(args) -> dict:
    """A batch as mmagic's loaders give it: LR inputs and data samples with HR targets."""
    s = args.lr_size
    return dict(
        inputs=[torch.randint(0, 256, (3, s, s)).float() for _ in range(args.batch)],
        data_samples=[DataSample(gt_img=torch.randint(0, 256, (3, s * args.scale,
                                                               s * args.scale)).float())
                      for _ in range(args.batch)])


def run_distill_step(args: argparse.Namespace) -> None:
    """Build, time and print the tables of ``tools/benchmarks/distill_step.py`` for ``args``."""
    torch.manual_seed(0)
    init_default_scope('mmkd_ext')
    if args.loss_only:
        print_attention_cost(args.teacher[0], args.loss_sizes)
        return
    if args.formats:
        memory_format_cost(args)
        return

    lsfd = dict(type='LSFDLoss', tau=1.0)
    models = {
        'mmrazor-fitnet': mmrazor_fitnet(args),
        'fitnet': ours(args, dict(type='FitNetLoss', mode='l1'), 1),
        'lsfd': ours(args, lsfd, 3),
        'lsfd-auto': ours(args, lsfd, 3, teacher_precision='auto'),
        'lsfd-fast': ours(args, lsfd, 3, teacher_precision='bf16', teacher_channels_last=True),
    }
    for name in args.skip or ():
        models.pop(name)
    models['reference'] = Reference(models['fitnet'], to_tap=False)
    models['floor'] = Reference(models['fitnet'], to_tap=True)
    teacher_state = models['fitnet'].teacher.state_dict()
    for name in ('lsfd', 'lsfd-auto', 'lsfd-fast'):
        if name in models:
            models[name].teacher.load_state_dict(teacher_state)
    models['mmrazor-fitnet'].teacher.load_state_dict(teacher_state)
    optims = {n: OptimWrapper(torch.optim.Adam(
        [p for p in m.parameters() if p.requires_grad], lr=1e-4)) for n, m in models.items()}

    s = args.lr_size
    data = random_batch(args)
    def step(name):
        models[name].train()
        models[name].train_step(copy.copy(data), optims[name])

    median = interleaved_medians({n: (lambda n=n: step(n)) for n in models}, args.steps,
                                 args.warmup)

    memory = {n: saved_bytes(lambda: m.train_step(copy.copy(data), optims[n]))
              for n, m in models.items()}
    rel = None
    if 'lsfd-fast' in models:
        lr = torch.rand(args.batch, 3, s, s)
        exact, _ = models['fitnet'].teacher_forward(lr)
        fast, _ = models['lsfd-fast'].teacher_forward(lr)
        rel = ((fast[TAP] - exact[TAP]).abs().mean() / exact[TAP].abs().mean()).item()

    print(f'\nEDSR {args.teacher[1]}x{args.teacher[0]} -> {args.student[1]}x{args.student[0]}, '
          f'x{args.scale}, batch {args.batch}, LR {s}x{s}, median of {args.steps} interleaved '
          f'steps, {torch.get_num_threads()} threads')
    print(f'| {"variant":<15} | {"s/step":>7} | {"/ mmrazor":>9} | {"/ reference":>11} '
          f'| {"/ floor":>7} | {"saved MB - floor":>16} |')
    print('|-----------------|---------|-----------|-------------|---------|------------------|')
    for name in ('reference', 'floor', 'mmrazor-fitnet', 'fitnet', 'lsfd', 'lsfd-auto',
                 'lsfd-fast'):
        if name not in median:
            continue
        seconds = median[name]
        print(f'| {name:<15} | {seconds:7.3f} | {seconds / median["mmrazor-fitnet"]:9.2f} '
              f'| {seconds / median["reference"]:11.2f} | {seconds / median["floor"]:7.2f} '
              f'| {(memory[name] - memory["floor"]) / 2**20:16.1f} |')
    if rel is not None:
        print(f'bf16 + channels_last teacher feature: mean relative error {100 * rel:.2f}%')
    print_attention_cost(args.teacher[0], args.loss_sizes)
