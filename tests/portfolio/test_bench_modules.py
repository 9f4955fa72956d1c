"""`make bench` runs every benchmark module, and only those (it once tried to run bench/__main__)."""

from bench.__main__ import benchmark_modules


def test_make_bench_runs_each_benchmark_module_and_nothing_else():
    modules = benchmark_modules(only=None)
    assert [m.__name__ for m in modules] == [
        "bench.cockpit",
        "bench.duplicates",
        "bench.outcomes",
        "bench.prereview",
        "bench.projects",
        "bench.tasks",
    ]
    assert all(callable(m.run) for m in modules)
    assert [m.__name__ for m in benchmark_modules(only=["tasks"])] == ["bench.tasks"]
