"""`make bench-search`: the embedded search engine over 1,000,000 producers.

1. Data: var/bench/search.sqlite3 (or DATABASE_URL): ``generate_data --producers N --seed S
   --no-facts``; reused when it already holds the producers.
2. Index: ``search.indexing.rebuild`` (the same path as ``manage.py search_index rebuild``);
   prints the build time and the index size. ``--reuse-index`` skips it when complete.
3. Latency: 1,000 mixed queries (1–4 characters, suffixes, county + type, full pinyin,
   initials, full-width, traditional, USCC; 10 % with a facet filter), each a full
   ``engine.search`` (ranking, total, facets, highlighting, page of 10), after a warm-up
   pass over other queries. Prints p50/p95/p99/max, overall and per kind.
4. Quality: the test-suite query set (tests/search/queries.py) regenerated on this data, its
   relevant sets from the substring oracle; prints recall@10, MRR and zero-result rate per
   kind.

    python -m benchmarks.search [--producers 1000000] [--seed 2026] [--queries 1000]
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections import defaultdict

from benchmarks.common import db_label, percentile, setup_django, timed


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="keep an existing complete index instead of rebuilding it",
    )
    parser.add_argument("--db", default="search", help="var/bench/<db>.sqlite3")
    return parser.parse_args(argv)


def ensure_producers(n: int, seed: int, results: dict) -> None:
    from django.core.management import call_command

    from credit.models import Producer

    have = Producer.objects.count()
    if have >= n:
        print(f"  reusing {have:,} producers")
        return
    with timed("generate_data", results):
        call_command("generate_data", producers=n, seed=seed, no_facts=True)


def build_index(results: dict, reuse: bool) -> None:
    from tqdm import tqdm

    from credit.models import Producer
    from search import indexing
    from search.engines import get_engine

    engine = get_engine()
    status = engine.status()
    want = Producer.objects.filter(merged_into__isnull=True).count()
    if reuse and status.get("ready") and status.get("by_type", {}).get("producer") == want:
        print(f"  reusing the index ({status['documents']:,} documents)")
        return
    bar = tqdm(total=want, unit="doc", desc="analyse+store", disable=None, mininterval=2)
    fts = {}

    def on_phase(phase, n):
        if phase == "fts":
            bar.close()
            results["index: analyse+store"] = time.perf_counter() - began
            fts["bar"] = tqdm(total=n, unit="doc", desc="FTS5", disable=None, mininterval=2)
        elif phase == "fts-rows":
            fts["bar"].update(n)

    began = time.perf_counter()
    with timed("index build (total)", results):
        total = indexing.rebuild(engine, progress=bar.update, on_phase=on_phase)
    if "bar" in fts:
        fts["bar"].close()
    results["documents"] = total
    rate = total / results["index build (total)"]
    first = results.get("index: analyse+store")
    if first:
        print(
            f"  phases: read+analyse+stage {first:.0f} s, FTS5 load+optimize+swap "
            f"{results['index build (total)'] - first:.0f} s"
        )
    print(f"  indexed {total:,} documents, {rate:,.0f} docs/s")
    size = engine.status().get("size_bytes")
    if size:
        print(f"  index size: {size / 1e6:,.0f} MB")


def load_producers():
    from credit.models import Producer
    from search.documents.producers import public_name
    from tests.search.queries import Producer as P

    shorts = _county_shorts()
    rows = (
        Producer.objects.filter(merged_into__isnull=True)
        .values_list("id", "name", "kind", "uscc", "region_id")
        .iterator(chunk_size=50_000)
    )
    return [
        P(pid, public_name(name, kind), kind, uscc, None, region, shorts.get(region, ""), [])
        for pid, name, kind, uscc, region in rows
    ]


def _county_shorts() -> dict[str, str]:
    from credit.models import Region
    from credit.synthetic import short_county_name

    return {
        code: short_county_name(name)
        for code, name in Region.objects.filter(level="county").values_list("code", "name")
    }


def with_filters(queries, producers, seed: int):
    """10 % of the latency queries carry a facet filter (kind, or the producer's province)."""
    rng = random.Random(seed)
    out = []
    for q in queries:
        filters = {}
        if rng.random() < 0.1:
            p = rng.choice(producers)
            filters = (
                {"kind": [p.kind]}
                if rng.random() < 0.5
                else {"region": [p.region_code[:2] + "0000"]}
            )
        out.append((q, filters))
    return out


def run_latency(engine, queries, warmup) -> dict[str, list[float]]:
    from search.engines import SearchRequest

    for q, filters in warmup:
        engine.search(SearchRequest(q=q.q, filters=filters))
    times: dict[str, list[float]] = defaultdict(list)
    for q, filters in queries:
        began = time.perf_counter()
        engine.search(SearchRequest(q=q.q, filters=filters))
        elapsed = (time.perf_counter() - began) * 1000
        times[q.kind].append(elapsed)
        times["all"].append(elapsed)
    return times


def print_latency(times: dict[str, list[float]]) -> None:
    print(f"  {'kind':<12} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    from tests.search.queries import KINDS

    for kind in (*KINDS, "all"):
        values = times.get(kind)
        if values:
            print(
                f"  {kind:<12} {len(values):>5} {percentile(values, 50):>8.1f} "
                f"{percentile(values, 95):>8.1f} {percentile(values, 99):>8.1f} "
                f"{max(values):>8.1f}"
            )


def main(argv=None) -> int:
    args = parse_args(argv)
    setup_django(args.db)
    from search.engines import SearchRequest, get_engine
    from tests.search import queries as qs

    results: dict = {}
    print(f"search benchmark: {args.producers:,} producers, seed {args.seed}, {db_label()}")
    ensure_producers(args.producers, args.seed, results)
    build_index(results, args.reuse_index)
    engine = get_engine()

    with timed("load names for the query generator", results):
        producers = load_producers()
    gc.freeze()  # 1,000,000 name objects: keep the cyclic GC from walking them mid-query
    per_kind = max(1, args.queries // len(qs.KINDS) + 1)
    latency = qs.make_queries(
        producers, seed=args.seed + 1, per_kind=per_kind, check=False, unique=False
    )
    random.Random(args.seed).shuffle(latency)
    latency = with_filters(latency[: args.queries], producers, args.seed)
    warmup = with_filters(
        qs.make_queries(producers, seed=args.seed + 2, per_kind=20, check=False),
        producers,
        args.seed + 2,
    )
    print(
        f"\nlatency: {len(latency)} mixed queries after {len(warmup)} warm-up queries "
        f"(candidates per query: {engine.candidates})"
    )
    times = run_latency(engine, latency, warmup)
    print_latency(times)
    results["p50_ms"] = percentile(times["all"], 50)
    results["p95_ms"] = percentile(times["all"], 95)

    print("\nquality: the test query set on this data (substring oracle)")
    with timed("oracle", results):
        oracle = qs.Oracle(producers, readings=qs.fast_readings)
        quality = qs.make_queries(producers, seed=7, oracle=oracle)
    found = {}
    for q in quality:
        resp = engine.search(SearchRequest(q=q.q, page_size=10, facets=False, highlight=False))
        found[q.q] = [int(h.id) for h in resp.hits if h.type == "producer"]
    metrics = qs.evaluate(found, quality, oracle)
    print("  " + qs.format_metrics(metrics).replace("\n", "\n  "))
    overall = metrics["all"]
    print(
        f"\nsummary: build {results.get('index build (total)', 0):.0f}s, "
        f"p50 {results['p50_ms']:.1f} ms, p95 {results['p95_ms']:.1f} ms, "
        f"recall@10 {overall.recall:.3f}, MRR {overall.mrr:.3f}, "
        f"zero-result {overall.zero_rate:.1%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
