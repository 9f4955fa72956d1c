"""Timing helpers and the report every benchmark prints."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Timing:
    samples: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def best(self) -> float:
        return min(self.samples)

    def __str__(self) -> str:
        return f"p50 {self.p50 * 1000:.1f} ms (best {self.best * 1000:.1f} ms, n={len(self.samples)})"


def timed(fn: Callable[[], object], *, repeat: int = 5, warmup: int = 1) -> Timing:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return Timing(samples)


@dataclass
class Context:
    """What a benchmark gets: the dataset sizes and a place to report figures."""

    scale: dict
    results: list = field(default_factory=list)

    def report(self, benchmark: str, figure: str, value: str, target: str = "", ok: bool | None = None) -> None:
        self.results.append((benchmark, figure, value, target, ok))
        mark = "" if ok is None else ("  ✔" if ok else "  ✘ MISSED")
        print(f"  {figure}: {value}{f'  (target {target})' if target else ''}{mark}", flush=True)
