"""The studies behind ``tools/analysis/*.py``: seed studies, KD variance, memory soak, SGN
mixing fidelity. Each module's ``run_*`` function takes the tool's parsed arguments."""
