"""Demo data for `make run` (every state of every module, see load.py) and scale data for
benchmarks (scale.py): one wing above the domains it feeds, never imported by them.

The module demos build through the services; build.py holds the builders they share (accounts,
organisations, challenges, handed-in proposals), challenges.toml the demo challenges' content.
"""
