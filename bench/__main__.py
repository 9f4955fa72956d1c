"""Run the benchmarks: ``python -m bench [--only NAME ...] [--fresh]`` (``make bench``)."""

import argparse
import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portfolio_bench"


def benchmark_modules(only):
    names = [
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name != "harness" and not m.name.startswith("_")
    ]
    return [importlib.import_module(f"bench.{name}") for name in sorted(names) if not only or name in only]


def prepare_database(url: str, scale: dict, fresh: bool) -> None:
    """Create the bench database if needed and seed it, unless it already holds this scale.

    A database seeded at another scale is dropped and created again rather than flushed: a flush
    would also empty the rows data migrations create (the seven domains, default rules, built-in
    indicators), which ``migrate`` does not write twice.
    """
    import psycopg
    from django.core.management import call_command
    from django.db import connection

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    wanted = json.dumps(scale, sort_keys=True)
    with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        seeded = row[0] if row else None
        if row and (fresh or seeded != wanted):
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            row = None
        if not row:
            admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    if row:
        print(f"Reusing the seeded bench database {name} ({wanted}).")
        return
    started = time.perf_counter()
    call_command("seed_scale", **scale)
    print(f"Seeded in {time.perf_counter() - started:.0f} s.")
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON DATABASE \"{name}\" IS '{wanted}'")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="Run only these benchmark modules.")
    parser.add_argument("--fresh", action="store_true", help="Drop and re-seed the bench databases.")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log growing through millions of rows

    from django.db import connections

    from bench.harness import Context

    # Each benchmark runs at the scale its issue names, in a database seeded at exactly that scale
    # (one per distinct scale, kept for the next run): a module measured on another's larger
    # dataset would answer a different question.
    groups: dict[str, list] = {}
    for module in benchmark_modules(args.only):
        groups.setdefault(json.dumps(getattr(module, "SCALE", {}), sort_keys=True), []).append(module)
    ctx = Context(scale={})
    for wanted, modules in groups.items():
        group_url = f"{url}_{'_'.join(m.__name__.split('.')[-1] for m in modules)}"
        connections.close_all()
        settings.DATABASES["default"]["NAME"] = group_url.rsplit("/", 1)[1]
        ctx.scale = json.loads(wanted)
        prepare_database(group_url, ctx.scale, args.fresh)
        for module in modules:
            doc = (module.__doc__ or "").strip().splitlines()[0]
            print(f"\n== {module.__name__.split('.')[-1]}: {doc}", flush=True)
            module.run(ctx)
    missed = [r for r in ctx.results if r[4] is False]
    print(f"\n{len(ctx.results)} figures, {len(missed)} targets missed.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
