"""What is indexed: documents built from the domain models, and what is left out."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from credit import models as m
from search.documents import REGISTRY, documents_for_keys
from search.documents.context import BuildContext
from tests.credit.factories import (
    BlacklistFactory,
    CaseFactory,
    CertificationFactory,
    ProducerFactory,
    next_id_number,
)
from tests.search.helpers import make_home, make_standard, make_typical_case

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def all_docs(doc_type):
    return {d.id: d for batch in REGISTRY[doc_type].iter_all(100) for d in batch}


def void(fact):
    fact.voided_at = timezone.now()
    fact.void_reason = "录入错误"
    fact.save(update_fields=["voided_at", "void_reason"])


def test_producer_document():
    p = ProducerFactory(
        name="农安县绿源蔬菜种植专业合作社",
        former_names=["农安县绿源合作社"],
        categories=["vegetables", "fruit"],
    )
    CertificationFactory(producer=p, product="黄瓜", type="green")
    CertificationFactory(
        producer=p, product="过期番茄", valid_from=TODAY - 900 * DAY, valid_to=TODAY - DAY
    )
    void(CertificationFactory(producer=p, product="作废辣椒"))
    doc = all_docs("producer")[str(p.pk)]
    assert doc.title == p.name and doc.names == ["农安县绿源合作社"]
    assert doc.identifiers == [p.uscc]
    assert doc.facets["region"] == ["220000", "220100", "220122"]
    assert doc.facets["kind"] == ["cooperative"] and doc.facets["cert"] == ["green"]
    assert doc.facets["category"] == ["vegetables", "fruit"]
    assert "吉林省长春市农安县" in doc.body and "黄瓜" in doc.body
    assert "过期番茄" not in doc.body and "作废辣椒" not in doc.body
    assert doc.fields["certified_products"] == ["黄瓜"]
    assert doc.fields["blacklisted"] is False and doc.fields["key"] == p.uscc


def test_personal_numbers_never_indexed_and_growers_masked():
    number = next_id_number()
    grower = ProducerFactory(
        uscc=None,
        id_number=number,
        name="王建国",
        kind="grower",
        phone="13912345678",
        address="农安县某村3组",
    )
    farm = ProducerFactory(
        uscc=None,
        id_number=next_id_number(),
        name="农安县李四家庭农场",
        kind="family_farm",
        phone="13987654321",
    )
    docs = all_docs("producer")
    g, f = docs[str(grower.pk)], docs[str(farm.pk)]
    assert g.title == "王**" and g.names == []
    assert f.title == "农安县李四家庭农场"
    for doc, producer in ((g, grower), (f, farm)):
        blob = json.dumps(
            [doc.title, doc.names, doc.body, doc.identifiers, doc.fields], ensure_ascii=False
        )
        assert producer.id_number not in blob and producer.phone not in blob
        assert "某村" not in blob and "建国" not in blob
        assert doc.fields["key"] == producer.masked_id_number


def test_merged_producers_leave_the_index():
    survivor = ProducerFactory()
    merged = ProducerFactory(merged_into=survivor)
    assert str(merged.pk) not in all_docs("producer")
    docs, gone = documents_for_keys([f"producer:{merged.pk}", f"producer:{survivor.pk}"])
    assert [d.id for d in docs] == [str(survivor.pk)] and gone == [f"producer:{merged.pk}"]


def test_certified_products_valid_today_only():
    p = ProducerFactory(name="吉林绿丰米业有限公司", kind="enterprise")
    valid = CertificationFactory(producer=p, product="五常大米", number="LB-15-1234567")
    CertificationFactory(producer=p, valid_from=TODAY + 10 * DAY, valid_to=TODAY + 900 * DAY)
    CertificationFactory(producer=p, valid_from=TODAY - 900 * DAY, valid_to=TODAY - DAY)
    docs = all_docs("product")
    assert set(docs) == {str(valid.pk)}
    doc = docs[str(valid.pk)]
    assert doc.title == "五常大米" and doc.names == ["吉林绿丰米业有限公司"]
    assert set(doc.identifiers) == {"LB-15-1234567", p.uscc}
    assert doc.facets["cert"] == ["green"] and doc.facets["year"] == [str(valid.valid_from.year)]


def test_blacklist_only_in_force_and_published():
    p = ProducerFactory()
    live = BlacklistFactory(producer=p)
    ended = BlacklistFactory(producer=p, start_date=TODAY - 400 * DAY, end_date=TODAY - DAY)
    removed = BlacklistFactory(producer=p)
    removed.removed_on, removed.removal_reason = TODAY, "期满前移出"
    removed.save(update_fields=["removed_on", "removal_reason"])
    voided = BlacklistFactory(producer=p)
    void(voided)
    too_old = BlacklistFactory(producer=p, start_date=TODAY - 4 * 365 * DAY, end_date=None)
    repaired = BlacklistFactory(producer=p)
    m.RepairApplication.objects.create(
        producer=p,
        fact_type=ContentType.objects.get_for_model(m.BlacklistEntry),
        fact_id=repaired.pk,
        statement="已整改",
        status=m.RepairStatus.APPROVED,
        approved_on=TODAY,
    )
    assert set(all_docs("blacklist")) == {str(live.pk)}
    assert REGISTRY["blacklist"].public_ids() == {str(live.pk)}
    _docs, gone = documents_for_keys(
        [f"blacklist:{x.pk}" for x in (ended, removed, voided, too_old, repaired)]
    )
    assert len(gone) == 5
    producer_doc = all_docs("producer")[str(p.pk)]
    assert producer_doc.fields["blacklisted"] is True


def test_cases_published_within_their_period_minor_never():
    p = ProducerFactory()
    general = CaseFactory(producer=p, facts="销售豇豆检出克百威", penalty="罚款5000元")
    CaseFactory(producer=p, severity="minor")
    CaseFactory(producer=p, decision_date=TODAY - 400 * DAY)  # general, > 12 months
    serious = CaseFactory(producer=p, severity="serious", decision_date=TODAY - 400 * DAY)
    void(CaseFactory(producer=p))
    docs = all_docs("case")
    assert set(docs) == {str(general.pk), str(serious.pk)}
    doc = docs[str(general.pk)]
    assert general.case_number in doc.identifiers and "克百威" in doc.body
    assert doc.fields["severity"] == "general" and doc.facets["year"] == [
        str(general.decision_date.year)
    ]


def test_pages_live_public_with_streamfield_text():
    from wagtail.models import PageViewRestriction

    home = make_home()
    about = make_standard(
        home,
        "关于我们",
        intro="农安信用门户简介",
        paragraph="本站公示<b>农产品</b>质量安全信用信息。",
    )
    draft = make_standard(home, "草稿页面", paragraph="还没发布", live=False)
    private = make_standard(home, "内部通知", paragraph="仅限内部")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    docs = all_docs("page")
    assert str(about.pk) in docs and str(draft.pk) not in docs and str(private.pk) not in docs
    doc = docs[str(about.pk)]
    assert "农产品质量安全信用信息" in doc.body.replace(" ", "") and "<b>" not in doc.body
    assert doc.url == about.url and doc.facets["locale"] == ["zh-hans"]


def test_typical_case_pages_are_case_documents():
    home = make_home()
    case = CaseFactory(case_number="农安农罚〔2026〕88号")
    minor = CaseFactory(severity="minor", case_number="农安农罚〔2026〕89号")
    page = make_typical_case(
        home, "农安县查处销售禁用农药残留豇豆案", "销售豇豆检出克百威", cases=[case, minor]
    )
    docs = all_docs("case")
    doc = docs[f"page-{page.pk}"]
    assert doc.type == "case" and doc.url == page.url
    assert doc.identifiers == ["农安农罚〔2026〕88号"]  # the minor case is never published
    assert doc.facets["region"] == ["220000", "220100", "220122"]
    assert "克百威" in doc.body
    assert f"page-{page.pk}" in REGISTRY["case"].public_ids()
    assert str(page.pk) not in all_docs("page")


def test_build_context_regions():
    ctx = BuildContext()
    assert ctx.regions.ancestors("110101") == ("110000", "110101")
    assert ctx.regions.path_name("110101") == "北京市东城区"
    assert ctx.regions.ancestors("999999") == ("999999",)
