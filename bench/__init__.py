"""Benchmarks (``make bench``): performance as ratios against a baseline measured in the same run.

Each module ``bench/<name>.py`` defines ``run(ctx)`` and, optionally, ``SCALE`` (the dataset its
issue names, one ``seed_scale`` call). ``python -m bench [--only NAME]`` runs them on PostgreSQL,
each group of modules with the same scale in a database of its own (``BENCH_DATABASE_URL`` with a
suffix), never as timed assertions in the test suite.
"""
