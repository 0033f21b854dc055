"""The dashboard's figures, read from credit data with a handful of ORM aggregates.

Each raw aggregate groups by the producer's region code (one query each: samplings,
producers with certificate issuance and grades, blacklist entries, cases, regions,
populations); the roll-up to the level shown (provinces, a province's cities or a city's
counties) happens in Python on those few rows, by GB/T 2260 code prefix.

Targets (DESIGN §1): monitoring pass rate ≥ 98 %, 1.5–2 sampling batches per 1,000 people a
year, ≥ 2 quality-safety cases per county, certificate coverage of new-type operators 100 %,
12,000+ producers on the platform.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Min, Q
from django.db.models.functions import ExtractQuarter
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from credit.models import (
    BlacklistEntry,
    CaseSeverity,
    Certificate,
    CheckResult,
    EnforcementCase,
    Producer,
    ProducerKind,
    Region,
    RegionLevel,
    Sampling,
)

from . import formatting as fmt

PASS_RATE_TARGET = 98.0
DENSITY_TARGET = (1.5, 2.0)
COVERAGE_TARGET = 100.0
CASES_PER_COUNTY_TARGET = 2
PRODUCERS_TARGET = 12_000

#: 新型农业经营主体 and growers: everyone expected to issue 承诺达标合格证 (not input dealers).
CERTIFICATE_KINDS = (
    ProducerKind.ENTERPRISE,
    ProducerKind.COOPERATIVE,
    ProducerKind.FAMILY_FARM,
    ProducerKind.GROWER,
)
GRADES = ("A", "B", "C", "D", "U")
QUARTERS = (1, 2, 3, 4)
MAX_YEARS = 10
#: GB/T 2260 placeholders that are not part of a place name (as in Region.full_name).
CONTAINER_NAMES = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")

DATASETS = (
    "pass-rate",
    "sampling-density",
    "certificate-coverage",
    "grade-distribution",
    "blacklist",
    "cases-per-county",
)
FORMATS = ("csv", "xlsx", "json")


# --- pure helpers ------------------------------------------------------------------------


def child_level(level: str | None) -> str:
    """The level shown under a scope: provinces for all, a province's cities, a city's
    counties; a county shows itself."""
    return {
        None: RegionLevel.PROVINCE,
        RegionLevel.PROVINCE: RegionLevel.CITY,
        RegionLevel.CITY: RegionLevel.COUNTY,
    }.get(level, RegionLevel.COUNTY)


def child_code(code: str, level: str) -> str:
    """The code of the `level` region that contains region `code` (GB/T 2260 nesting)."""
    if level == RegionLevel.PROVINCE:
        return code[:2] + "0000"
    if level == RegionLevel.CITY:
        return code[:4] + "00"
    return code


def ancestor_codes(code: str) -> list[str]:
    """The province, city and the region itself, without duplicates, top down."""
    seen: list[str] = []
    for candidate in (code[:2] + "0000", code[:4] + "00", code):
        if candidate not in seen:
            seen.append(candidate)
    return seen


def quarter_dates(year: int) -> list[tuple[datetime.date, datetime.date]]:
    starts = [datetime.date(year, m, 1) for m in (1, 4, 7, 10)]
    ends = [s - datetime.timedelta(days=1) for s in starts[1:]] + [datetime.date(year, 12, 31)]
    return list(zip(starts, ends, strict=True))


# --- scope -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    region: Region | None
    year: int
    today: datetime.date

    @property
    def prefix(self) -> str:
        return self.region.prefix if self.region else ""

    @property
    def level(self) -> str | None:
        return self.region.level if self.region else None

    @property
    def child_level(self) -> str:
        return child_level(self.level)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def reference_date(self) -> datetime.date:
        """Where 'in force' is measured: the year's last day, or today for this year."""
        return min(self.end, self.today)

    @property
    def partial(self) -> bool:
        return self.end > self.today

    @property
    def label(self) -> str:
        return self.region.full_name() if self.region else gettext("全部地区")

    @property
    def code(self) -> str:
        return self.region.code if self.region else ""

    def query(self) -> dict[str, str]:
        """The query string that selects this scope (for links and downloads)."""
        params = {"year": str(self.year)}
        if self.region:
            params = {"region": self.region.code, **params}
        return params


def parse_scope(params: Mapping, today: datetime.date) -> Scope:
    """A scope from request parameters; unknown or malformed values fall back to the
    default (all regions, this year)."""
    code = str(params.get("region", "") or "").strip()
    region = None
    if len(code) == 6 and code.isdigit():
        region = Region.objects.filter(code=code).select_related("parent__parent").first()
    try:
        year = int(str(params.get("year", "")).strip())
    except ValueError:
        year = today.year
    if not today.year - 50 <= year <= today.year:
        year = today.year
    return Scope(region, year, today)


# --- datasets ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    kind: str = "text"  # text | int | percent | decimal | bool
    unit: str = ""


@dataclass(frozen=True)
class Goal:
    low: float
    high: float | None = None
    text: str | Promise = ""


@dataclass
class Dataset:
    slug: str
    title: str | Promise
    columns: list[Column]
    rows: list[dict]
    total: dict | None = None
    goal: Goal | None = None
    notes: list[str] = field(default_factory=list)
    value_key: str = ""  # the column the chart draws

    def all_rows(self) -> list[dict]:
        return [*self.rows, *([self.total] if self.total else [])]


REGION_COLUMNS = [
    Column("region_code", _("行政区划代码")),
    Column("region", _("地区")),
]


class Metrics:
    """The figures of one scope. Each raw aggregate runs once, when first needed."""

    def __init__(self, scope: Scope):
        self.scope = scope

    # --- raw aggregates (one query each) ---------------------------------------------------
    def _scoped(self, field_name: str) -> dict:
        return {f"{field_name}__startswith": self.scope.prefix} if self.scope.prefix else {}

    @cached_property
    def sampling_counts(self) -> list[dict]:
        """Samplings of the year (voided excluded) by the producer's region and quarter."""
        return list(
            Sampling.objects.active()
            .filter(date__gte=self.scope.start, date__lte=self.scope.end)
            .filter(**self._scoped("producer__region__code"))
            .values("producer__region_id", quarter=ExtractQuarter("date"))
            .annotate(n=Count("id"), ok=Count("id", filter=Q(result=CheckResult.PASS)))
            .order_by()
        )

    @cached_property
    def producer_counts(self) -> list[dict]:
        """Producers on file (merged ones excluded) by region, kind and current grade, with
        how many issued at least one certificate in the year."""
        issuing = (
            Certificate.objects.active()
            .filter(issue_date__gte=self.scope.start, issue_date__lte=self.scope.end)
            .filter(**self._scoped("producer__region__code"))
            .values("producer_id")
        )
        return list(
            Producer.objects.filter(merged_into__isnull=True, **self._scoped("region__code"))
            .values("region_id", "kind", "grade")
            .annotate(n=Count("id"), issuing=Count("id", filter=Q(id__in=issuing)))
            .order_by()
        )

    @cached_property
    def blacklist_counts(self) -> list[dict]:
        """Blacklisted producers in force at the reference date, and entries started in the
        year, by region (voided entries excluded)."""
        ref = self.scope.reference_date
        in_force = (
            Q(start_date__lte=ref)
            & (Q(removed_on__isnull=True) | Q(removed_on__gt=ref))
            & (Q(end_date__isnull=True) | Q(end_date__gte=ref))
        )
        return list(
            BlacklistEntry.objects.active()
            .filter(start_date__lte=self.scope.end, **self._scoped("producer__region__code"))
            .values("producer__region_id")
            .annotate(
                in_force=Count("producer", distinct=True, filter=in_force),
                listed=Count("id", filter=Q(start_date__gte=self.scope.start)),
            )
            .order_by()
        )

    @cached_property
    def case_counts(self) -> list[dict]:
        """Administrative penalty cases decided in the year by region (voided excluded)."""
        return list(
            EnforcementCase.objects.active()
            .filter(decision_date__gte=self.scope.start, decision_date__lte=self.scope.end)
            .filter(**self._scoped("producer__region__code"))
            .values("producer__region_id")
            .annotate(
                n=Count("id"),
                serious=Count("id", filter=Q(severity=CaseSeverity.SERIOUS)),
                criminal=Count("id", filter=Q(criminal_transfer=True)),
            )
            .order_by()
        )

    @cached_property
    def producer_regions(self) -> list[str]:
        """Codes of the regions where producers are on file, within the scope."""
        return sorted({row["region_id"] for row in self.producer_counts})

    @cached_property
    def child_codes(self) -> list[str]:
        level = self.scope.child_level
        codes = {child_code(code, level) for code in self.producer_regions}
        for rows, key in (
            (self.sampling_counts, "producer__region_id"),
            (self.case_counts, "producer__region_id"),
            (self.blacklist_counts, "producer__region_id"),
        ):
            codes.update(child_code(row[key], level) for row in rows)
        return sorted(codes)

    @cached_property
    def regions(self) -> dict[str, Region]:
        """The regions named in the rows (children and producers' counties), with parents."""
        codes = set(self.child_codes) | set(self.producer_regions)
        return {
            r.code: r
            for r in Region.objects.filter(code__in=codes).select_related("parent__parent")
        }

    @cached_property
    def county_populations(self) -> dict[str, int]:
        """Resident population of every county-level region in scope that has one."""
        return dict(
            Region.objects.filter(
                level=RegionLevel.COUNTY, population__isnull=False, **self._scoped("code")
            ).values_list("code", "population")
        )

    # --- helpers ---------------------------------------------------------------------------
    def _child(self, code: str) -> str:
        return child_code(code, self.scope.child_level)

    def region_name(self, code: str, full: bool = False) -> str:
        region = self.regions.get(code)
        if region is None:
            return code
        return region.full_name() if full else region.name

    def relative_name(self, code: str) -> str:
        """The region's name below the scope: 山西省晋中市太谷区 for all regions, 晋中市太谷区
        within 山西省, 太谷区 within 晋中市."""
        region = self.regions.get(code)
        if region is None:
            return code
        names, node = [], region
        stop = self.scope.code
        while node is not None and node.code != stop:
            if node.name not in CONTAINER_NAMES:
                names.append(node.name)
            node = node.parent
        return "".join(reversed(names)) or region.name

    def _region_row(self, code: str) -> dict:
        return {"region_code": code, "region": self.region_name(code)}

    def _total_row(self) -> dict:
        return {"region_code": self.scope.code, "region": gettext("合计")}

    def population(self, code: str) -> int | None:
        """A child region's population: its own figure, else the sum over its counties."""
        region = self.regions.get(code)
        if region is not None and region.population:
            return region.population
        total = sum(p for c, p in self.county_populations.items() if self._child(c) == code)
        return total or None

    def scope_population(self) -> int | None:
        region = self.scope.region
        if region is not None and region.population:
            return region.population
        total = sum(self.county_populations.values())
        return total or None

    def _year_note(self) -> list[str]:
        if self.scope.partial:
            return [
                gettext("%(year)s 年数据截至 %(date)s，为年内累计。")
                % {"year": self.scope.year, "date": self.scope.today.isoformat()}
            ]
        return []

    # --- the datasets ----------------------------------------------------------------------
    def pass_rate(self) -> Dataset:
        per: dict[str, list[list[int]]] = defaultdict(lambda: [[0, 0] for _ in range(5)])
        for row in self.sampling_counts:
            cells = per[self._child(row["producer__region_id"])]
            for slot in (row["quarter"] - 1, 4):
                cells[slot][0] += row["n"]
                cells[slot][1] += row["ok"]

        def figures(cells) -> dict:
            data = {f"q{q}": fmt.rate(cells[q - 1][1], cells[q - 1][0]) for q in QUARTERS}
            data.update(
                samples=cells[4][0],
                passed=cells[4][1],
                pass_rate=fmt.rate(cells[4][1], cells[4][0]),
            )
            return data

        total = [[0, 0] for _ in range(5)]
        for cells in per.values():
            for slot in range(5):
                total[slot][0] += cells[slot][0]
                total[slot][1] += cells[slot][1]
        rows = [{**self._region_row(code), **figures(per[code])} for code in self.child_codes]
        return Dataset(
            slug="pass-rate",
            title=_("抽检监测合格率"),
            columns=[
                *REGION_COLUMNS,
                *(
                    Column(f"q{q}", label, "percent", "%")
                    for q, label in zip(QUARTERS, QUARTER_LABELS, strict=True)
                ),
                Column("samples", _("抽检批次"), "int"),
                Column("passed", _("合格批次"), "int"),
                Column("pass_rate", _("全年合格率"), "percent", "%"),
            ],
            rows=rows,
            total={**self._total_row(), **figures(total)},
            goal=Goal(PASS_RATE_TARGET, None, _("目标 ≥ 98%")),
            notes=[
                gettext("合格率 = 合格批次 ÷ 抽检批次；已作废的记录不计入。"),
                *self._year_note(),
            ],
            value_key="pass_rate",
        )

    def sampling_density(self) -> Dataset:
        counts: dict[str, int] = defaultdict(int)
        for row in self.sampling_counts:
            counts[self._child(row["producer__region_id"])] += row["n"]
        rows = []
        for code in self.child_codes:
            population = self.population(code)
            rows.append(
                {
                    **self._region_row(code),
                    "samples": counts[code],
                    "population": population,
                    "per_1000": fmt.per_thousand(counts[code], population),
                }
            )
        population = self.scope_population()
        samples = sum(counts.values())
        return Dataset(
            slug="sampling-density",
            title=_("每千人抽检批次"),
            columns=[
                *REGION_COLUMNS,
                Column("samples", _("抽检批次"), "int"),
                Column("population", _("常住人口"), "int"),
                Column("per_1000", _("每千人批次"), "decimal"),
            ],
            rows=rows,
            total={
                **self._total_row(),
                "samples": samples,
                "population": population,
                "per_1000": fmt.per_thousand(samples, population),
            },
            goal=Goal(*DENSITY_TARGET, _("目标 1.5–2 批次/千人·年")),
            notes=[
                gettext(
                    "人口为行政区划的常住人口；未登记人口的地区不计算，上级地区未登记时按下辖县合计。"
                ),
                *self._year_note(),
            ],
            value_key="per_1000",
        )

    def certificate_coverage(self) -> Dataset:
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in self.producer_counts:
            if row["kind"] in CERTIFICATE_KINDS:
                cells = per[self._child(row["region_id"])]
                cells[0] += row["n"]
                cells[1] += row["issuing"]

        def figures(n: int, issuing: int) -> dict:
            return {"producers": n, "issuing": issuing, "coverage": fmt.rate(issuing, n)}

        rows = [{**self._region_row(code), **figures(*per[code])} for code in self.child_codes]
        n = sum(c[0] for c in per.values())
        issuing = sum(c[1] for c in per.values())
        return Dataset(
            slug="certificate-coverage",
            title=_("承诺达标合格证开具覆盖率"),
            columns=[
                *REGION_COLUMNS,
                Column("producers", _("应开证主体"), "int"),
                Column("issuing", _("年内开具合格证主体"), "int"),
                Column("coverage", _("覆盖率"), "percent", "%"),
            ],
            rows=rows,
            total={**self._total_row(), **figures(n, issuing)},
            goal=Goal(COVERAGE_TARGET, None, _("目标 100%")),
            notes=[
                gettext(
                    "应开证主体：在册的企业、农民专业合作社、家庭农场和种养大户（不含农资经营者）；"
                    "年内开具过至少一张承诺达标合格证即计入。"
                ),
                *self._year_note(),
            ],
            value_key="coverage",
        )

    def grade_distribution(self) -> Dataset:
        per: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(GRADES, 0))
        for row in self.producer_counts:
            grade = row["grade"] if row["grade"] in GRADES else "U"
            per[self._child(row["region_id"])][grade] += row["n"]

        def figures(counts: dict) -> dict:
            return {**counts, "total": sum(counts.values())}

        rows = [{**self._region_row(code), **figures(per[code])} for code in self.child_codes]
        total = dict.fromkeys(GRADES, 0)
        for counts in per.values():
            for grade in GRADES:
                total[grade] += counts[grade]
        return Dataset(
            slug="grade-distribution",
            title=_("信用等级分布"),
            columns=[
                *REGION_COLUMNS,
                *(Column(g, label, "int") for g, label in GRADE_LABELS.items()),
                Column("total", _("合计"), "int"),
            ],
            rows=rows,
            total={**self._total_row(), **figures(total)},
            notes=[gettext("按各主体当前的信用等级统计（不随所选年份变化）；已合并的主体不计入。")],
        )

    def blacklist(self) -> Dataset:
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in self.blacklist_counts:
            cells = per[self._child(row["producer__region_id"])]
            cells[0] += row["in_force"]
            cells[1] += row["listed"]
        rows = [
            {**self._region_row(code), "in_force": per[code][0], "listed": per[code][1]}
            for code in self.child_codes
        ]
        return Dataset(
            slug="blacklist",
            title=_("黑名单"),
            columns=[
                *REGION_COLUMNS,
                Column("in_force", _("在列主体"), "int"),
                Column("listed", _("年内新列入"), "int"),
            ],
            rows=rows,
            total={
                **self._total_row(),
                "in_force": sum(c[0] for c in per.values()),
                "listed": sum(c[1] for c in per.values()),
            },
            notes=[
                gettext("在列主体为 %(date)s 仍在黑名单期内、未移出的主体数。")
                % {"date": self.scope.reference_date.isoformat()}
            ],
            value_key="in_force",
        )

    def cases_per_county(self) -> Dataset:
        per = {row["producer__region_id"]: row for row in self.case_counts}
        counties = sorted(set(self.producer_regions) | set(per))
        rows = []
        for code in counties:
            row = per.get(code, {})
            n = row.get("n", 0)
            rows.append(
                {
                    "region_code": code,
                    "region": self.relative_name(code),
                    "cases": n,
                    "serious": row.get("serious", 0),
                    "criminal": row.get("criminal", 0),
                    "meets_target": n >= CASES_PER_COUNTY_TARGET,
                }
            )
        meeting = sum(1 for r in rows if r["meets_target"])
        return Dataset(
            slug="cases-per-county",
            title=_("各县查办案件数"),
            columns=[
                Column("region_code", _("行政区划代码")),
                Column("region", _("县（市、区）")),
                Column("cases", _("案件数"), "int"),
                Column("serious", _("其中严重"), "int"),
                Column("criminal", _("其中移送司法"), "int"),
                Column("meets_target", _("达到目标"), "bool"),
            ],
            rows=rows,
            total={
                **self._total_row(),
                "cases": sum(r["cases"] for r in rows),
                "serious": sum(r["serious"] for r in rows),
                "criminal": sum(r["criminal"] for r in rows),
                "meets_target": None,
                "counties": len(rows),
                "counties_meeting": meeting,
            },
            goal=Goal(CASES_PER_COUNTY_TARGET, None, _("目标 每县 ≥ 2 件")),
            notes=[
                gettext(
                    "统计有生产经营主体在册的县（市、区）年内作出处罚决定的农产品质量安全案件，已作废的记录不计入。"
                ),
                *self._year_note(),
            ],
            value_key="cases",
        )

    def dataset(self, slug: str) -> Dataset:
        return {
            "pass-rate": self.pass_rate,
            "sampling-density": self.sampling_density,
            "certificate-coverage": self.certificate_coverage,
            "grade-distribution": self.grade_distribution,
            "blacklist": self.blacklist,
            "cases-per-county": self.cases_per_county,
        }[slug]()

    def datasets(self) -> dict[str, Dataset]:
        return {slug: self.dataset(slug) for slug in DATASETS}

    def producers_on_file(self) -> int:
        return sum(row["n"] for row in self.producer_counts)


QUARTER_LABELS = (_("一季度"), _("二季度"), _("三季度"), _("四季度"))
GRADE_LABELS = {
    "A": _("A 守信"),
    "B": _("B 基本守信"),
    "C": _("C 失信"),
    "D": _("D 严重失信"),
    "U": _("U 未评级"),
}


# --- the filter form's choices ---------------------------------------------------------------


def region_options() -> list[dict]:
    """Every region with producers on file and its ancestors, top down (for the filter)."""
    codes = set()
    for code in Producer.objects.order_by().values_list("region_id", flat=True).distinct():
        codes.update(ancestor_codes(code))
    depth = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2}
    return [
        {"code": code, "name": name, "depth": depth.get(level, 2)}
        for code, name, level in Region.objects.filter(code__in=codes)
        .order_by("code")
        .values_list("code", "name", "level")
    ]


def year_options(today: datetime.date) -> list[int]:
    """From the first year with samplings (at most MAX_YEARS back) to this year, newest first."""
    first = Sampling.objects.active().aggregate(first=Min("date"))["first"]
    start = max(first.year if first else today.year, today.year - MAX_YEARS + 1)
    return list(range(today.year, start - 1, -1))
