"""Fixtures shared by every test package.

`celery_worker` starts a real Celery worker process against the configured broker and the
test database (PostgreSQL in the scale-out CI pass) and stops it afterwards.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _scale_out_reason() -> str | None:
    if not os.environ.get("CELERY_BROKER_URL"):
        return "needs CELERY_BROKER_URL (a real broker): runs in the scale-out CI pass"
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs DATABASE_URL pointing at PostgreSQL: runs in the scale-out CI pass"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _scale_out_reason()
    if reason is None:
        return
    if os.environ.get("NONGAN_REQUIRE_INTEGRATION") == "1":
        raise pytest.UsageError(f"integration tests must run here, but: {reason}")
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "integration" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real `celery worker` subprocess consuming a queue private to this test session."""
    from nongan.celery import app

    db = settings.DATABASES["default"]
    queue = f"nongan-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nongan.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    log = open(ROOT / "var" / f"celery-worker-{queue}.log", "w")  # noqa: SIM115
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
            "2",
            "--pool",
            "prefork",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    old = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if (
                    app.send_task("nongan.ping", args=["ready"], queue=queue).get(timeout=5)
                    == "ready"
                ):
                    break
            except Exception:  # noqa: BLE001 - worker still starting
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(
                    "celery worker did not start:\n" + Path(log.name).read_text()[-3000:]
                )
        yield {"queue": queue, "pid": proc.pid, "log": log.name}
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = old
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(autouse=True)
def _still_rate_limit_clock(monkeypatch):
    """Rate-limit budgets are per fixed window: hold the windows' clock at the test's start,
    so a test's requests are never split across two windows by a slow machine."""
    from credit.publicforms import guard

    now = time.time()
    monkeypatch.setattr(guard, "_clock", lambda: now)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests truncate every table afterwards, migrations' data included:
    put the GB/T 2260 regions and policy v1 back before such a test runs."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from credit.reference import ensure_reference_data

        ensure_reference_data()
