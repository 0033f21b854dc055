"""factory-boy factories for credit models. Regions come from the GB/T 2260 migration."""

import datetime
import itertools

import factory

from credit import models as m
from credit.identifiers import make_id_number, make_uscc

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_serial = itertools.count(1)


def _body(n: int) -> str:
    chars = []
    for _ in range(9):
        n, r = divmod(n, len(_ALPHABET))
        chars.append(_ALPHABET[r])
    return "".join(reversed(chars))


def next_uscc(prefix: str = "93", region: str = "220122") -> str:
    return make_uscc(prefix, region, _body(next(_serial) + 7_000_000))


def next_id_number(region: str = "220122") -> str:
    return make_id_number(region, datetime.date(1970, 1, 1), f"{next(_serial) % 1000:03d}")


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Producer

    uscc = factory.LazyFunction(next_uscc)
    name = factory.Sequence(lambda n: f"农安县测试{n}号蔬菜种植专业合作社")
    kind = m.ProducerKind.COOPERATIVE
    region_id = "220122"
    phone = "13900001234"
    categories = factory.LazyFunction(lambda: ["vegetables"])


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Inspection

    producer = factory.SubFactory(ProducerFactory)
    date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    agency = factory.Sequence(lambda n: f"农安县农业综合行政执法大队{n}组")
    records_ok = True
    certificate_ok = True
    inputs_ok = True


class SamplingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Sampling

    producer = factory.SubFactory(ProducerFactory)
    sample_code = factory.Sequence(lambda n: f"NA-2026-{n:06d}")
    date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=20))
    product = "黄瓜"
    category = "vegetables"
    result = "pass"
    lab = "长春市农产品质量安全检测中心"


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Certification

    producer = factory.SubFactory(ProducerFactory)
    number = factory.Sequence(lambda n: f"LB-15-2024{n:06d}")
    type = "green"
    product = "大米"
    valid_from = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=100))
    valid_to = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=900))


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.EnforcementCase

    producer = factory.SubFactory(ProducerFactory)
    case_number = factory.Sequence(lambda n: f"农安农罚〔2026〕{n}号")
    decision_date = factory.LazyFunction(
        lambda: datetime.date.today() - datetime.timedelta(days=60)
    )
    agency = "农安县农业农村局"
    severity = "general"
    legal_basis = "《中华人民共和国农产品质量安全法》第七十一条"


class BlacklistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.BlacklistEntry

    producer = factory.SubFactory(ProducerFactory)
    decision_number = factory.Sequence(lambda n: f"农安农黑〔2026〕{n}号")
    start_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=10))
    end_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=355))
    reason = "销售含禁用药物的农产品"
