"""Demo data for `make run` (every state of every module, see load.py) and scale data for
benchmarks (scale.py): one wing above the domains it feeds, never imported by them."""
