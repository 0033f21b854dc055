"""The credit engine through a real Celery worker, PostgreSQL and Redis (scale-out CI pass)."""

import time

import pytest
from django.utils import timezone

from credit.models import Producer
from credit.services import grading
from credit.services.batch import recompute_all
from credit.tasks import recompute_producer
from nongan.celery import ping
from tests.credit.factories import ProducerFactory, SamplingFactory

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


def is_current(producer_id: int) -> bool:
    expected = grading.fingerprint(grading.compute_for(producer_id, timezone.localdate()))
    return Producer.objects.get(pk=producer_id).grade_fingerprint == expected


def test_a_task_runs_in_the_worker_process(celery_worker):
    result = ping.delay("你好")
    assert result.get(timeout=30) == "你好"
    assert result.state == "SUCCESS"


def test_saved_fact_is_graded_by_the_worker(celery_worker):
    producer = ProducerFactory()
    SamplingFactory(producer=producer, result="prohibited", failed_items="氯霉素")
    assert wait_for(lambda: Producer.objects.get(pk=producer.pk).grade == "D")
    assert is_current(producer.pk)


def test_racing_recomputes_leave_the_newest_grade(celery_worker):
    producer = ProducerFactory()
    pending = []
    for i in range(8):
        SamplingFactory(producer=producer, result="pass" if i % 3 else "over_limit")
        pending += [recompute_producer.delay(producer.pk), recompute_producer.delay(producer.pk)]
    for result in pending:
        result.get(timeout=60)
    # The signal-queued recomputes may still be running: the end state must be current.
    assert wait_for(lambda: is_current(producer.pk))


def test_recompute_all_fans_out_to_the_worker(celery_worker):
    producers = ProducerFactory.create_batch(30)
    for p in producers:
        SamplingFactory(producer=p)
    assert wait_for(lambda: all(is_current(p.pk) for p in producers))
    Producer.objects.filter(pk__in=[p.pk for p in producers]).update(grade_fingerprint="")
    done = []
    stats = recompute_all(
        [p.pk for p in producers], reason="test", progress=done.append, chunk_size=7
    )
    assert stats.producers == 30 and stats.grades_changed == 30 and sum(done) == 30
    assert all(is_current(p.pk) for p in producers)
