"""Benchmarks (``make bench``): performance as ratios against a baseline measured in the same run.

Each module ``bench/<name>.py`` defines ``run(ctx)`` and, optionally, ``SCALE`` (the dataset it
needs, merged into one ``seed_scale`` call). ``python -m bench [--only NAME]`` runs them on
PostgreSQL (a database of its own, ``BENCH_DATABASE_URL``), never as timed assertions in the test
suite.
"""
