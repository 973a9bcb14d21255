# FAKD's affinity term alone (no output KD), to compare feature terms on equal footing.
# Only the output term differs from fakd_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py.
_base_ = './fakd_edsr-x4c32b8_edsr-x4c16b4_1xb8-1k_sr-demo.py'

model = dict(output_loss=None)
