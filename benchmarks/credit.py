"""`make bench-credit`: full and incremental recompute over 100,000 producers (~2M facts).

Prints producers/second of a full recompute, its ratio to one SQL pass that reads the same
facts, and the median time of an incremental recompute after one new fact. With
`--workers 1 2` and a broker (CELERY_BROKER_URL) and PostgreSQL (DATABASE_URL), it also
times the full recompute fanned out to 1 and then 2 real Celery worker processes.
"""

import argparse
import os
import random
import resource
import signal
import subprocess
import sys
import time

from benchmarks.common import ROOT, db_label, median, percentile, setup_django, timed


def parse():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--producers", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--incremental", type=int, default=300, help="samples of one-fact updates")
    p.add_argument(
        "--workers",
        type=int,
        nargs="*",
        default=[],
        help="also time the recompute on N real Celery workers (needs a broker)",
    )
    p.add_argument(
        "--workers-only",
        action="store_true",
        help="skip the in-process and incremental measures (re-timing workers)",
    )
    p.add_argument(
        "--first-grading",
        action="store_true",
        help="also time grading every producer from scratch, so every public grade "
        "changes and (eager) the search index follows inline",
    )
    return p.parse_args()


def ensure_data(n: int, seed: int) -> None:
    from django.core.management import call_command

    from credit.models import Producer

    have = Producer.objects.count()
    if have == n:
        print(f"  reusing {have} producers already in the database")
        return
    if have:
        sys.exit(f"the benchmark database has {have} producers, not {n}: delete it first")
    call_command("generate_data", producers=n, seed=seed)


def fact_count() -> int:
    from credit.models import FACT_MODELS

    return sum(m.objects.count() for m in FACT_MODELS)


def sql_pass() -> int:
    """Read the columns scoring reads, for every producer, in one pass per table."""
    from django.db import connection

    queries = [
        "SELECT producer_id, date, certificate_ok, records_ok, false_certificate "
        "FROM credit_inspection WHERE voided_at IS NULL",
        "SELECT producer_id, date, result FROM credit_sampling WHERE voided_at IS NULL",
        "SELECT producer_id, decision_date, severity, criminal_transfer "
        "FROM credit_enforcementcase WHERE voided_at IS NULL",
        "SELECT producer_id, valid_from, valid_to FROM credit_certification "
        "WHERE voided_at IS NULL",
        "SELECT producer_id, start_date, end_date, removed_on FROM credit_blacklistentry "
        "WHERE voided_at IS NULL",
        "SELECT id FROM credit_producer",
    ]
    rows = 0
    with connection.cursor() as cur:
        for q in queries:
            cur.execute(q)
            while batch := cur.fetchmany(10_000):
                rows += len(batch)
    return rows


def reset_grades(first: bool = False) -> None:
    from credit.models import Producer

    # Force every producer's grade row and audit event to be written, as after a new policy
    # version; `first` also forgets the grades, so every public grade changes.
    if first:
        Producer.objects.update(grade_fingerprint="", grade="U", score=None, graded_on=None)
    else:
        Producer.objects.update(grade_fingerprint="")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def full_recompute(results: dict, label: str, first: bool = False) -> float:
    from tqdm import tqdm

    from credit.models import Producer
    from credit.services.batch import recompute_all

    ids = list(Producer.objects.order_by("id").values_list("id", flat=True))
    reset_grades(first)
    cpu = cpu_seconds()
    with (
        tqdm(total=len(ids), unit="producer", file=sys.stderr, disable=None) as bar,
        timed(label, results),
    ):
        stats = recompute_all(ids, reason="benchmark", progress=bar.update)
    assert stats.producers == len(ids)
    # CPU time of this process: on a shared machine, wall time includes other tenants' load.
    results[f"{label} cpu"] = cpu_seconds() - cpu
    return len(ids) / results[label]


def incremental(samples: int, seed: int) -> tuple[list[float], list[float]]:
    from django.db import transaction

    from credit.models import Producer, Sampling
    from credit.services.grading import recompute

    rng = random.Random(seed)
    ids = list(Producer.objects.values_list("id", flat=True)[:50_000])
    only_recompute, save_and_recompute = [], []
    for i in range(samples):
        pid = rng.choice(ids)
        start = time.perf_counter()
        with transaction.atomic():
            Sampling.objects.create(
                producer_id=pid,
                sample_code=f"BENCH-{seed}-{time.time_ns()}-{i}",
                date=__import__("datetime").date.today(),
                product="黄瓜",
                category="vegetables",
                result=rng.choice(["pass", "pass", "pass", "over_limit"]),
                lab="基准测试",
            )  # the signal queues the recompute on commit; eager runs it right here
        save_and_recompute.append(time.perf_counter() - start)
        start = time.perf_counter()
        recompute([pid])
        only_recompute.append(time.perf_counter() - start)
    return only_recompute, save_and_recompute


def start_worker(concurrency: int, queue: str):
    env = {**os.environ, "CELERY_TASK_DEFAULT_QUEUE": queue}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "nongan",
            "worker",
            "-Q",
            queue,
            "--concurrency",
            str(concurrency),
            "--pool",
            "prefork",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
    )
    from nongan.celery import app

    app.conf.task_default_queue = queue
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if app.send_task("nongan.ping", args=["ok"], queue=queue).get(timeout=5) == "ok":
                return proc
        except Exception:  # noqa: BLE001 - still starting
            time.sleep(0.5)
    proc.kill()
    sys.exit("celery worker did not start")


def main():
    args = parse()
    setup_django("credit")
    from nongan.celery import app

    results: dict[str, float] = {}
    print(f"bench-credit: {args.producers} producers, {db_label()}")
    with timed("generate", results):
        ensure_data(args.producers, args.seed)
    facts = fact_count()
    print(f"  facts: {facts}")

    with timed("sql pass", results):
        rows = sql_pass()
    print(f"  sql pass read {rows} rows")

    app.conf.task_always_eager = True
    if not args.workers_only:
        in_process(args, results)
    if args.workers:
        on_workers(args, results)


def in_process(args, results: dict) -> None:
    label = "full recompute (in process)"
    rate = full_recompute(results, label)
    ratio = results[label] / results["sql pass"]
    print(
        f"  full recompute: {rate:,.0f} producers/s; {ratio:.1f}× the SQL pass; "
        f"process CPU {results[label + ' cpu']:.1f} s"
    )
    if args.first_grading:
        label = "first grading (every public grade changes, search inline)"
        rate = full_recompute(results, label, first=True)
        print(
            f"  first grading: {rate:,.0f} producers/s; process CPU {results[label + ' cpu']:.1f} s"
        )

    only, whole = incremental(args.incremental, args.seed)
    print(
        f"  incremental recompute after one new fact: median {median(only) * 1000:.1f} ms, "
        f"p95 {percentile(only, 95) * 1000:.1f} ms (recompute alone)"
    )
    print(
        f"  save fact + audit + recompute: median {median(whole) * 1000:.1f} ms, "
        f"p95 {percentile(whole, 95) * 1000:.1f} ms"
    )


def on_workers(args, results: dict) -> None:
    from nongan.celery import app

    if not os.environ.get("CELERY_BROKER_URL"):
        sys.exit("--workers needs CELERY_BROKER_URL")
    app.conf.task_always_eager = False
    timings = {}
    for n in args.workers:
        proc = start_worker(n, f"bench-{os.getpid()}-{n}")
        try:
            label = f"full recompute ({n} worker{'s' if n > 1 else ''})"
            rate = full_recompute(results, label)
            timings[n] = results[label]
            print(f"  {label}: {rate:,.0f} producers/s")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    if 1 in timings and 2 in timings:
        print(f"  speed-up 2 workers vs 1: {timings[1] / timings[2]:.2f}×")


if __name__ == "__main__":
    main()
