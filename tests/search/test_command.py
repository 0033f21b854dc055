"""manage.py search_index rebuild|update|status|process."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from search.engines import SearchRequest, get_engine
from tests.credit.factories import BlacklistFactory, ProducerFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("search_index", *args, stdout=out)
    return out.getvalue()


def test_rebuild_status_update(engine):
    ProducerFactory(name="农安县命令测试合作社")
    BlacklistFactory(reason="命令测试原因")
    out = run("rebuild")
    assert "producer 2" in out and "blacklist 1" in out and "indexed" in out
    status = json.loads(run("status"))
    assert status["ready"]
    assert status["by_type"]["producer"] == 2 and status["by_type"]["blacklist"] == 1
    assert status["built_at"] and status["pending"] == 0
    assert get_engine().search(SearchRequest(q="命令测试")).total == 2
    stats = json.loads(run("update").strip().splitlines()[-1])
    assert stats["blacklist_added"] == 0 and stats["blacklist_removed"] == 0
    assert "processed 0 pending keys" in run("process")
