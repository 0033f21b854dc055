"""Shared set-up for `make bench-*`: a throwaway database chosen before Django starts."""

import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"


def setup_django(db_name: str) -> None:
    """Use DATABASE_URL when given (e.g. PostgreSQL), else a SQLite file of its own."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / db_name}.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nongan.settings.dev")
    os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory
    _create_postgres_database(os.environ["DATABASE_URL"])
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@contextmanager
def timed(label: str, results: dict):
    start = time.perf_counter()
    yield
    results[label] = time.perf_counter() - start
    print(f"  {label}: {results[label]:.2f} s", flush=True)


def percentile(values, p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def median(values) -> float:
    return statistics.median(values)


def db_label() -> str:
    from django.db import connection

    return f"{connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else connection.pg_version}"


def _create_postgres_database(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import environ
    import psycopg

    cfg = environ.Env.db_url_config(url)
    conninfo = f"host={cfg['HOST'] or '127.0.0.1'} port={cfg['PORT'] or 5432} user={cfg['USER']}"
    with psycopg.connect(conninfo + " dbname=postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
