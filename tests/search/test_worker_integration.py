"""Freshness through a real Celery worker, PostgreSQL and Redis (scale-out CI pass)."""

import time

import pytest

from search import tasks
from search.engines import SearchRequest, get_engine
from search.models import PendingKey
from tests.credit.factories import BlacklistFactory, ProducerFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def keys(q):
    return get_engine().search(SearchRequest(q=q, page_size=50)).keys


@pytest.fixture
def clean_index():
    # Transactional tests truncate model tables only; the index tables are ours to empty.
    get_engine().clear()
    yield
    get_engine().clear()


def test_saved_producer_is_indexed_by_the_worker(celery_worker, clean_index):
    producer = ProducerFactory(name="农安县工人进程合作社")
    assert wait_for(lambda: keys("工人进程") == [f"producer:{producer.pk}"])
    assert wait_for(lambda: not PendingKey.objects.exists())


def test_blacklist_entry_and_its_producer_reach_the_index(celery_worker, clean_index):
    entry = BlacklistFactory(reason="工人进程黑名单原因")
    assert wait_for(lambda: keys("黑名单原因") == [f"blacklist:{entry.pk}"])
    hit = get_engine().search(SearchRequest(q=entry.producer.name, types=["producer"])).hits
    assert hit and hit[0].fields["blacklisted"] is True


def test_daily_task_runs_in_the_worker(celery_worker, clean_index):
    ProducerFactory(name="农安县每日任务合作社")
    assert wait_for(lambda: not PendingKey.objects.exists())
    stats = tasks.daily_expire.delay().get(timeout=120)
    assert "reindexed" in stats and stats["pending"] == 0
