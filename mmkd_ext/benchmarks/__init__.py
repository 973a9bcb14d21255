"""What the benchmark scripts in ``tools/benchmarks`` call (one module per benchmark);
the shared step timer is ``mmkd_ext.benchmark``."""
