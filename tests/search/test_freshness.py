"""Freshness: signals record keys in the writer's transaction, a task indexes them after the
commit; the daily task removes what stopped being public and picks up bulk-written grades."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from credit import events
from credit import models as m
from search import indexing
from search.engines import SearchRequest, get_engine
from search.models import PendingKey
from tests.credit.factories import BlacklistFactory, CertificationFactory, ProducerFactory
from tests.search.helpers import make_home, make_standard

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def commit(django_capture_on_commit_callbacks, engine):
    """Run a block and its on-commit callbacks (the Celery task runs eagerly)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def keys(q, **kwargs):
    return get_engine().search(SearchRequest(q=q, page_size=50, **kwargs)).keys


def test_new_producer_is_searchable_after_commit(commit):
    p = commit(ProducerFactory, name="农安县青山绿水蔬菜专业合作社")
    assert keys("青山绿水") == [f"producer:{p.pk}"]
    assert not PendingKey.objects.exists()


def test_keys_wait_in_the_outbox_until_commit(engine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        p = ProducerFactory(name="农安县白云合作社")
    assert PendingKey.objects.filter(key=f"producer:{p.pk}").exists()
    from search.indexing import _RunPending

    assert keys("白云") == []
    assert sum(isinstance(c, _RunPending) for c in callbacks) == 1


def test_rename_updates_the_producer_and_its_records(commit):
    p = commit(ProducerFactory, name="农安县旧名合作社")
    cert = commit(CertificationFactory, producer=p, product="有机大米", type="organic")
    assert f"product:{cert.pk}" in keys("旧名")
    p.name = "农安县新名合作社"
    commit(p.save)
    assert keys("旧名") == []
    assert set(keys("新名")) == {f"producer:{p.pk}", f"product:{cert.pk}"}
    hit = get_engine().search(SearchRequest(q="新名", types=["producer"])).hits[0]
    assert hit.fields["certified_products"] == ["有机大米"]


def test_voided_blacklist_entry_leaves_the_index(commit):
    entry = commit(BlacklistFactory, reason="使用禁用兽药")
    assert keys("禁用兽药", types=["blacklist"]) == [f"blacklist:{entry.pk}"]
    producer = get_engine().search(SearchRequest(q=entry.producer.name, types=["producer"])).hits[0]
    assert producer.fields["blacklisted"] is True

    def void():
        entry.voided_at = timezone.now()
        entry.save(update_fields=["voided_at"])

    commit(void)
    assert keys("禁用兽药", types=["blacklist"]) == []
    producer = get_engine().search(SearchRequest(q=entry.producer.name, types=["producer"])).hits[0]
    assert producer.fields["blacklisted"] is False


def test_grades_changed_signal_reindexes_producers(commit):
    p = commit(ProducerFactory, name="农安县等级测试合作社")
    m.Producer.objects.filter(pk=p.pk).update(grade="A")  # like bulk_update: no post_save

    def send():
        events.grades_changed.send(sender=m.Producer, producer_ids=[p.pk])

    commit(send)
    resp = get_engine().search(SearchRequest(q="等级测试", filters={"grade": ["A"]}))
    assert resp.keys == [f"producer:{p.pk}"]


def test_daily_expire_removes_ended_entries_and_picks_up_bulk_grades(commit, monkeypatch):
    from search import tasks

    entry = commit(BlacklistFactory, end_date=TODAY, reason="销售假劣农资")
    other = commit(ProducerFactory, name="农安县批量评级合作社")
    indexing.set_state("built_at", (timezone.now() - datetime.timedelta(hours=1)).isoformat())
    assert keys("假劣农资") == [f"blacklist:{entry.pk}"]
    m.CreditGrade.objects.create(
        producer=other, as_of=TODAY, policy_version="1", grade="B", score=80
    )
    m.Producer.objects.filter(pk=other.pk).update(grade="B")
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY + DAY)
    stats = tasks.daily_expire.delay().get()
    assert stats["blacklist_removed"] == 1
    assert keys("假劣农资") == []
    assert keys("批量评级", filters={"grade": ["B"]}) == [f"producer:{other.pk}"]
    hit = get_engine().search(SearchRequest(q=entry.producer.name, types=["producer"])).hits[0]
    assert hit.fields["blacklisted"] is False


def test_page_publish_unpublish_delete(commit):
    home = commit(make_home)
    page = commit(make_standard, home, "农药残留科普", paragraph="如何清洗蔬菜上的农药残留")
    assert keys("清洗蔬菜") == [f"page:{page.pk}"]
    commit(page.unpublish)
    assert keys("清洗蔬菜") == []
    commit(lambda: page.save_revision().publish())
    assert keys("清洗蔬菜") == [f"page:{page.pk}"]
    commit(page.delete)
    assert keys("清洗蔬菜") == []


def test_index_failures_never_fail_the_write(commit, monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError("index down")

    monkeypatch.setattr(indexing, "reindex", boom)
    p = commit(ProducerFactory, name="农安县故障测试合作社")
    assert m.Producer.objects.filter(pk=p.pk).exists()
    assert PendingKey.objects.filter(key=f"producer:{p.pk}").exists()
    monkeypatch.undo()
    indexing.process_pending()
    assert keys("故障测试") == [f"producer:{p.pk}"]


def test_pending_keys_wait_while_a_rebuild_runs(commit):
    indexing.set_state("rebuild_started", timezone.now().isoformat())
    p = commit(ProducerFactory, name="农安县重建期间合作社")
    assert PendingKey.objects.filter(key=f"producer:{p.pk}").exists()
    indexing.set_state("rebuild_started", None)
    assert indexing.process_pending() == 1
    assert keys("重建期间") == [f"producer:{p.pk}"]


def test_reindex_producers_task(engine):
    from search import tasks

    p = ProducerFactory(name="农安县任务测试合作社")
    assert keys("任务测试") == []
    tasks.reindex_producers.delay([p.pk]).get()
    assert keys("任务测试") == [f"producer:{p.pk}"]


def test_view_restrictions_hide_and_show_a_section(commit):
    from wagtail.models import PageViewRestriction

    home = commit(make_home)
    section = commit(make_standard, home, "内部资料", paragraph="内部资料说明")
    child = commit(make_standard, section, "内部文件", paragraph="不公开的抽检计划")
    assert keys("抽检计划") == [f"page:{child.pk}"]
    restriction = commit(
        PageViewRestriction.objects.create, page=section, restriction_type="password", password="x"
    )
    assert keys("抽检计划") == []
    commit(restriction.delete)
    assert keys("抽检计划") == [f"page:{child.pk}"]
    commit(PageViewRestriction.objects.create, page=section, restriction_type="login")
    commit(section.delete)  # cascades to the restriction: handlers must cope
    assert keys("抽检计划") == [] and keys("内部资料") == []


def _write_csv(path, header, rows):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def test_imported_producers_and_records_are_indexed(commit, client, tmp_path):
    """Imports write in bulk (no post_save) and a producer's grade need not change (a new
    producer without facts stays U): the importer's ``records_imported`` still reindexes."""
    from django.core.management import call_command

    from credit.identifiers import make_uscc

    uscc = make_uscc("93", "220122", "MA00KMP01")
    header = ["uscc", "id_number", "name", "kind", "region_code", "address", "legal_rep",
              "phone", "categories"]  # fmt: skip
    producers = _write_csv(
        tmp_path / "p.csv",
        header,
        [[uscc, "", "农安县禾润导入专业合作社", "cooperative", "220122", "", "", "", "grain"]],
    )
    commit(call_command, "import_facts", "producers", producers, verbosity=0)
    p = m.Producer.objects.get(uscc=uscc)
    assert p.grade == "U"
    assert keys("herun") == [f"producer:{p.pk}"]  # pinyin: the engine, not a substring
    body = client.get("/api/v1/producers/", {"q": "hrdr"}).json()
    assert [r["uscc"] for r in body["results"]] == [uscc]

    # A rename by import reaches the index too.
    renamed = _write_csv(
        tmp_path / "p2.csv",
        header,
        [[uscc, "", "农安县禾润更名专业合作社", "cooperative", "220122", "", "", "", "grain"]],
    )
    commit(call_command, "import_facts", "producers", renamed, verbosity=0)
    assert keys("更名") == [f"producer:{p.pk}"] and keys("导入") == []

    # Imported records (here a blacklist entry) get their documents.
    blacklist = _write_csv(
        tmp_path / "b.csv",
        ["decision_number", "producer", "start_date", "end_date", "reason", "legal_basis"],
        [["农农黑〔2026〕7号", uscc, str(TODAY - DAY), "", "使用禁用药物", "《农产品质量安全法》"]],
    )
    commit(call_command, "import_facts", "blacklist", blacklist, verbosity=0)
    entry = m.BlacklistEntry.objects.get(producer=p)
    assert f"blacklist:{entry.pk}" in keys("更名", types=["blacklist"])
