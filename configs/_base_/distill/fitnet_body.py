# FeatureDistill with FitNet's term (arXiv 1412.6550) on the body output before the
# upsampler, where an SR student and teacher are both at LR resolution: a 1x1 regressor
# and L1. The method configs add the student, the teacher and its checkpoint; LSFD and the
# SR baselines swap the connector or the loss.
model = dict(
    type='FeatureDistill',
    distill_losses=dict(
        body=dict(
            student='generator.upsample:input',
            teacher='generator.upsample:input',
            connector=dict(type='ConvRegressor', kernel_size=1),
            loss=dict(type='FitNetLoss', mode='l1', loss_weight=1.0))))
