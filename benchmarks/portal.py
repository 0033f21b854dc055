"""`make bench-portal`: requests per second and latency of public pages, cached and uncached.

The site (demo content, in var/bench/portal.sqlite3 or DATABASE_URL) is served by gunicorn
with 2 sync workers on 127.0.0.1 and a free port, DEBUG off, as in production. A small
asyncio HTTP client in this process (one connection per request, as gunicorn's sync workers
close them) measures, for each URL:

- throughput: requests/second with 8 concurrent clients for a few seconds (after a warm-up);
- latency: p50 and p95 with one client at a time (no queueing).

URLs: /healthz (a trivial Django view: the baseline), the home page, an article and a list
page (科普, page 1 of a topic filter). First with the anonymous page cache on, then with it off
(PORTAL_PAGE_CACHE=0). Targets: cached ≥ 0.8 × the trivial view's requests/second;
uncached p95 ≤ 100 ms.

If the project settings do not list portal.cache.AnonymousPageCacheMiddleware yet, the
benchmark's WSGI app adds it (right after WhiteNoise), and says so.
"""

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from benchmarks.common import ROOT, percentile, setup_django

CACHE_MIDDLEWARE = "portal.cache.AnonymousPageCacheMiddleware"
WORKERS = 2
CONCURRENCY = 8


def application():
    """gunicorn app factory (`benchmarks.portal:application()`): the project's WSGI app,
    with the page cache middleware added when the settings do not list it yet."""
    import django
    from django.conf import settings

    django.setup()
    if CACHE_MIDDLEWARE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        anchor = "whitenoise.middleware.WhiteNoiseMiddleware"
        at = middleware.index(anchor) + 1 if anchor in middleware else 1
        middleware.insert(at, CACHE_MIDDLEWARE)
        settings.MIDDLEWARE = middleware
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def parse():
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--seconds", type=float, default=5.0, help="throughput run per URL")
    p.add_argument("--latency-requests", type=int, default=200, help="sequential requests per URL")
    p.add_argument("--concurrency", type=int, default=CONCURRENCY)
    return p.parse_args()


# --- the data ----------------------------------------------------------------------------------


def ensure_demo() -> dict[str, str]:
    from django.core.management import call_command

    from portal.models import ArticleIndexPage, ArticlePage, HomePage, Topic

    if not HomePage.objects.exists():
        print("  loading the demo site into the benchmark database …", flush=True)
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    else:
        print("  reusing the demo site already in the benchmark database")
    article = (
        ArticlePage.objects.live().filter(locale__language_code="zh-hans").order_by("path").first()
    )
    index = ArticleIndexPage.objects.live().filter(locale__language_code="zh-hans").first()
    topic = Topic.objects.filter(articles__isnull=False).order_by("slug").first()
    list_url = index.url + (f"?topic={topic.slug}&page=1" if topic else "?page=1")
    return {
        "trivial view (/healthz)": "/healthz",
        "home": "/",
        "article": article.url,
        "list page": list_url,
    }


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, cache_on: bool):
        self.port = free_port()
        env = {
            **os.environ,
            # The shared settings with DEBUG off (dev settings force DEBUG on: no template
            # cache, every query logged); production's would also need HTTPS and collectstatic.
            "DJANGO_SETTINGS_MODULE": "nongan.settings.base",
            "DEBUG": "0",
            "PORTAL_PAGE_CACHE": "1" if cache_on else "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONPATH": str(ROOT),
        }
        self.log = open(ROOT / "var" / "bench" / "portal-gunicorn.log", "a")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "benchmarks.portal:application()",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {self.log.name}")
            time.sleep(0.2)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


# --- the client --------------------------------------------------------------------------------


async def fetch(port: int, path: str) -> tuple[int, float, str]:
    """One GET on a new connection: (status, seconds, X-Portal-Cache header)."""
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: bench-portal\r\n"
        "Accept-Encoding: identity\r\nConnection: close\r\n\r\n".encode()
    )
    await writer.drain()
    data = await reader.read()
    elapsed = time.perf_counter() - started
    writer.close()
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    status = int(head.split(" ", 2)[1]) if head.startswith("HTTP/") else 0
    cache = ""
    for line in head.split("\r\n"):
        if line.lower().startswith("x-portal-cache:"):
            cache = line.split(":", 1)[1].strip()
    return status, elapsed, cache


async def throughput(port: int, path: str, seconds: float, concurrency: int) -> dict:
    stop = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = 0

    async def client():
        nonlocal errors
        while time.perf_counter() < stop:
            try:
                status, elapsed, _ = await fetch(port, path)
            except OSError:
                errors += 1
                continue
            if status == 200:
                latencies.append(elapsed)
            else:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    return {
        "rps": len(latencies) / wall,
        "p95_loaded": percentile(latencies, 95) * 1000,
        "errors": errors,
    }


async def latency(port: int, path: str, n: int) -> dict:
    samples, states = [], set()
    for _ in range(n):
        status, elapsed, cache = await fetch(port, path)
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}")
        samples.append(elapsed)
        states.add(cache or "-")
    return {
        "p50": percentile(samples, 50) * 1000,
        "p95": percentile(samples, 95) * 1000,
        "cache": "/".join(sorted(states)),
    }


def measure(server: Server, urls: dict[str, str], args) -> dict[str, dict]:
    results = {}
    for label, path in urls.items():
        asyncio.run(latency(server.port, path, 20))  # warm-up: caches, imports, connections
        result = asyncio.run(latency(server.port, path, args.latency_requests))
        result.update(asyncio.run(throughput(server.port, path, args.seconds, args.concurrency)))
        results[label] = result
        print(
            f"    {label:<24} {result['rps']:8.0f} req/s   p50 {result['p50']:6.1f} ms   "
            f"p95 {result['p95']:6.1f} ms   p95@{args.concurrency} {result['p95_loaded']:6.1f} ms   "
            f"cache {result['cache']}"
            + (f"   errors {result['errors']}" if result["errors"] else ""),
            flush=True,
        )
    return results


def main():
    args = parse()
    print("bench-portal: anonymous page cache vs a trivial view (gunicorn, 2 workers)")
    setup_django("portal")
    from django.conf import settings

    from benchmarks.common import db_label

    urls = ensure_demo()
    print(f"  database: {db_label()}; cache backend: {settings.CACHES['default']['BACKEND']}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"  machine: {os.cpu_count()} CPUs, load average {load:.1f} (client and server share them)"
    )
    if CACHE_MIDDLEWARE not in settings.MIDDLEWARE:
        print(
            f"  note: {CACHE_MIDDLEWARE} is not in settings.MIDDLEWARE yet; the benchmark adds it"
        )
    runs = {}
    for cache_on in (True, False):
        print(f"  page cache {'ON' if cache_on else 'OFF (PORTAL_PAGE_CACHE=0)'}:", flush=True)
        server = Server(cache_on)
        try:
            runs[cache_on] = measure(server, urls, args)
        finally:
            server.stop()

    trivial = runs[True]["trivial view (/healthz)"]["rps"]
    print("\n  summary")
    print(
        f"  {'page':<12} {'cached req/s':>12} {'× trivial':>10} {'uncached req/s':>15} {'uncached p95':>13} {'speed-up':>9}"
    )
    verdicts = []
    for label in list(urls)[1:]:
        cached, uncached = runs[True][label], runs[False][label]
        ratio = cached["rps"] / trivial
        verdicts += [ratio >= 0.8, uncached["p95"] <= 100]
        print(
            f"  {label:<12} {cached['rps']:12.0f} {ratio:9.2f}× {uncached['rps']:15.0f} "
            f"{uncached['p95']:10.1f} ms {cached['rps'] / uncached['rps']:8.1f}×"
        )
    print(
        f"  trivial view: {trivial:.0f} req/s (cache on), "
        f"{runs[False]['trivial view (/healthz)']['rps']:.0f} req/s (cache off)"
    )
    print(
        f"  targets: cached ≥ 0.8 × trivial, uncached p95 ≤ 100 ms → "
        f"{'met' if all(verdicts) else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
