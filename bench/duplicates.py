"""Duplicate-construction check: one proposal against 10,000 projects and 5,000 systems, and its precision/recall.

Figures:
- the time of one check with the index up to date (target: under 1 s), for a realistic rewrite of an
  existing system and for a synthetic proposal written from the same vocabulary as the 15,000
  items (the worst case for the inverted index: every word is common);
- the same check right after a system was edited (sync of one row + check);
- the baseline it avoids: analysing every item again for each request, as a ratio;
- the evaluation on the labelled sets under tests/data/duplicates/ (the shipped one, and the
  independently written development and reporting sets): overlap and duplicate precision and
  recall, the top-3 rate, three-class accuracy, run in a throwaway SQLite database so that the
  synthetic data cannot blur it.
"""

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import timed

SCALE = {"projects": 10000, "systems": 5000}
ROOT = Path(__file__).resolve().parent.parent


def run(ctx):
    from django.db import connection

    from portfolio.models import Domain, InformationSystem
    from projects.duplicates import check_duplicates, index, text
    from projects.duplicates.models import SimilarityDocument, SimilarityTerm
    from projects.models import Project

    text.warm_up()
    started = time.perf_counter()
    if _built_with_another_lexicon(index, SimilarityDocument):
        rebuilt = index.rebuild()
        ctx.report(
            "duplicates",
            "index rebuilt (built with another lexicon or analyzer)",
            f"{rebuilt.indexed} entries in {time.perf_counter() - started:.1f} s",
        )
        started = time.perf_counter()
    built = index.sync()
    if built:
        ctx.report(
            "duplicates",
            "index brought up to date (first run builds it)",
            f"{built.indexed} entries in {time.perf_counter() - started:.1f} s",
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_similaritydocument; ANALYZE projects_similarityterm")
    entries = SimilarityDocument.objects.count()
    ctx.report(
        "duplicates",
        "index",
        f"{entries} entries, {SimilarityTerm.objects.count()} words "
        f"({Project.objects.count()} projects, {InformationSystem.objects.count()} systems)",
    )

    sync_only = timed(index.sync, repeat=5)
    ctx.report("duplicates", "sync with nothing changed", str(sync_only))

    bus = Project(
        name="智慧公交出行信息服务系统",
        description="为市民提供公交车实时位置、到站时间预测和线路换乘查询服务。",
        functions="公交车辆实时位置查看\n车辆到站时间预测\n电子站牌信息推送\n公交线路及换乘查询",
        domain=Domain.objects.get(code="livable"),
    )
    synthetic = Project.objects.order_by("pk").first()
    for label, proposal in (("rewrite of a bus system", bus), (f"synthetic proposal “{synthetic.name}”", synthetic)):
        timing = timed(lambda proposal=proposal: check_duplicates(proposal), repeat=7)
        report = check_duplicates(proposal)
        ctx.report(
            "duplicates",
            f"one check, {label}",
            f"{timing} → {report.verdict}, {len(report.matches)} matches",
            target="< 1 s",
            ok=timing.p50 < 1.0,
        )

    system = InformationSystem.objects.order_by("pk").first()

    def edit_then_check():
        system.description += "。"
        system.save(update_fields=["description", "updated_at"])
        check_duplicates(synthetic)

    after_edit = timed(edit_then_check, repeat=5)
    ctx.report(
        "duplicates",
        "one system edited, then one check (incremental sync)",
        str(after_edit),
        target="< 1 s",
        ok=after_edit.p50 < 1.0,
    )

    def analyse_everything():
        for source in index.SOURCES:
            for row in source.existing().values(*source.fields()).iterator(chunk_size=2000):
                text.analyze(**source.text(row))

    baseline = timed(analyse_everything, repeat=1, warmup=0)
    check_time = timed(lambda: check_duplicates(synthetic), repeat=5)
    ctx.report(
        "duplicates",
        "baseline: analysing all items per request instead of the kept index",
        f"{baseline.p50:.1f} s, {baseline.p50 / check_time.p50:.0f}× the check",
    )

    evaluate(ctx)


def _built_with_another_lexicon(index, SimilarityDocument) -> bool:
    """Whether the kept bench index predates the current lexicon (its digests say so)."""
    entry = SimilarityDocument.objects.order_by("pk").first()
    if entry is None:
        return False
    source = index.SOURCE_BY_KIND[entry.kind]
    row = source.existing().filter(pk=entry.source_id).values(*source.fields()).first()
    return row is None or index.fingerprint(source, row) != entry.fingerprint


SETS = ("", "independent_dev", "independent_report")  # under tests/data/duplicates/: shipped, dev, report


def evaluate(ctx):
    """The labelled sets' figures, from `manage.py evaluate_duplicates` on a throwaway SQLite database."""
    data = ROOT / "tests" / "data" / "duplicates"
    paths = [str(data / name) for name in SETS if (data / name / "proposals.json").exists()]
    with tempfile.TemporaryDirectory() as var:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{var}/evaluation.sqlite3",
            "VAR_DIR": var,
            "DEBUG": "true",
            "CELERY_BROKER_URL": "memory://",
            "PYTHONPATH": "",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True, capture_output=True)
        out = subprocess.run(
            [*manage, "evaluate_duplicates", *paths, "--no-curve"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    print(out, flush=True)
    for path, figures in _figures(out).items():
        name = Path(path).name if path != str(data) else "shipped"
        for label, value, target in (
            ("overlap flagged, recall", figures["overlap_recall"], 0.95),
            ("overlap flagged, precision", figures["overlap_precision"], 0.8),
            ("overlapped item in the top 3", figures["top"], 0.9),
            ("duplicate precision", figures["precision"], 0.9),
            ("duplicate recall", figures["recall"], 0.8),
            ("three-class accuracy", figures["accuracy"], None),
        ):
            ctx.report(
                "duplicates",
                f"labelled set {name}: {label}",
                f"{value:.3f}",
                target=f"≥ {target}" if target else "",
                ok=None if target is None else value >= target,
            )


FIGURES = re.compile(r"precision ([\d.]+), recall ([\d.]+) .*partial accuracy ([\d.]+); accuracy ([\d.]+)")
OVERLAP = re.compile(r"flagged: precision ([\d.]+), recall ([\d.]+); overlapped item in the top 3 matches ([\d.]+)")


def _figures(out: str) -> dict:
    """{set path: figures of all its proposals} from the command's output."""
    figures, path, split = {}, None, None
    for line in out.splitlines():
        if line.startswith("##### "):
            path = line[6:].strip()
        elif line.startswith("== "):
            split = line[3:].strip()
        elif split == "all" and path and (found := FIGURES.search(line)):
            precision, recall, partial, accuracy = (float(v) for v in found.groups())
            figures[path] = {"precision": precision, "recall": recall, "partial": partial, "accuracy": accuracy}
        elif split == "all" and path in figures and (found := OVERLAP.search(line)):
            precision, recall, top = (float(v) for v in found.groups())
            figures[path].update(overlap_precision=precision, overlap_recall=recall, top=top)
    return figures
