"""From datasets to what the template shows: headline figures, charts, tables, download
links. Apart from `build_dashboard` (which runs the metrics) nothing here reads the database.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, pgettext

from . import charts
from . import formatting as fmt
from .metrics import (
    DATASETS,
    FORMATS,
    GRADE_LABELS,
    GRADES,
    PRODUCERS_TARGET,
    QUARTER_LABELS,
    Dataset,
    Metrics,
    Scope,
    parse_scope,
    region_options,
    year_options,
)

FORMAT_LABELS = {"csv": "CSV", "xlsx": "Excel (XLSX)", "json": "JSON"}


@dataclass
class Figure:
    """One headline figure with its target and whether it is met."""

    key: str
    label: str
    value: str
    target: str = ""
    status: bool | None = None
    note: str = ""

    @property
    def status_text(self) -> str:
        if self.status is None:
            return gettext("无目标") if not self.target else gettext("暂无数据")
        return gettext("达标") if self.status else gettext("未达标")

    @property
    def tone(self) -> str:
        return "neutral" if self.status is None else ("success" if self.status else "warning")


@dataclass
class TableRow:
    header: str
    cells: list[str]
    code: str = ""


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[TableRow]
    total: TableRow | None
    region_header: str = ""


@dataclass
class Panel:
    slug: str
    title: str
    charts: list[SafeString]
    table: Table
    downloads: list[tuple[str, str]]
    notes: list[str]
    goal: str = ""
    legend: SafeString | None = None


@dataclass
class Dashboard:
    scope: Scope
    figures: list[Figure]
    panels: list[Panel]
    regions: list[dict]
    years: list[int]
    query: dict = field(default_factory=dict)


# --- helpers ---------------------------------------------------------------------------------


def _sep() -> str:
    return gettext("；")


def _punct(mark: str) -> str:
    """A Chinese punctuation mark in the active language ("：" is ": " in English)."""
    return pgettext("punctuation", mark)


def _floor_to(value: float, step: float) -> float:
    return math.floor(value / step) * step


def _percent_scale(values: list[float], target: float) -> tuple[float, float]:
    """A pass-rate axis from a multiple of 10 below the lowest value (and target) to 100 %."""
    low = min([*values, target])
    return (max(0.0, _floor_to(low - 1, 10)), 100.0)


def _count_scale(
    values: list[float], at_least: float = 0, integer: bool = False
) -> tuple[float, float]:
    """From 0 to a round number at or above the largest value (and the target)."""
    top = max([*values, at_least, 0]) or 1
    ticks = charts.nice_ticks(0, top, most=5, integer=integer)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else top
    return (0.0, math.ceil(top / step - 1e-9) * step)


def _ticks(scale: tuple[float, float], integer: bool = False) -> list[float]:
    return charts.nice_ticks(*scale, most=5, integer=integer)


def _pct_tick(value: float) -> str:
    return f"{value:g}%"


def _num_tick(value: float) -> str:
    return f"{value:g}"


def table_for(dataset: Dataset) -> Table:
    columns = [c for c in dataset.columns if c.key not in ("region_code", "region")]
    headers = [str(c.label) for c in columns]

    def row(data: dict) -> TableRow:
        return TableRow(
            header=str(data["region"]),
            cells=[fmt.cell_text(data.get(c.key), c.kind) for c in columns],
            code=data.get("region_code", ""),
        )

    return Table(
        caption=str(dataset.title),
        headers=headers,
        rows=[row(r) for r in dataset.rows],
        total=row(dataset.total) if dataset.total else None,
        region_header=next((str(c.label) for c in dataset.columns if c.key == "region"), ""),
    )


def downloads_for(slug: str, scope: Scope) -> list[tuple[str, str]]:
    params = scope.query()
    language = get_language() or settings.LANGUAGE_CODE
    if language != settings.LANGUAGE_CODE:
        params["lang"] = language
    base = {f: reverse("portal_data_download", kwargs={"dataset": slug, "fmt": f}) for f in FORMATS}
    return [(FORMAT_LABELS[f], f"{base[f]}?{urlencode(params)}") for f in FORMATS]


# --- the charts of each dataset ----------------------------------------------------------------


def _bars(dataset: Dataset, key: str, text_kind: str, goal_met=None) -> list[charts.Bar]:
    bars = []
    for row in dataset.rows:
        value = row.get(key)
        status = goal_met(value) if goal_met else None
        bars.append(charts.Bar(str(row["region"]), value, fmt.cell_text(value, text_kind), status))
    return bars


def _describe(bars, head: str, goal: str = "") -> str:
    parts = [gettext("%(label)s %(value)s") % {"label": b.label, "value": b.text} for b in bars]
    colon = _punct("：")
    text = head + colon + (_sep().join(parts) if parts else gettext("暂无数据"))
    return text + (_sep() + goal if goal else "") + gettext("。")


def pass_rate_charts(dataset: Dataset, scope: Scope) -> list[SafeString]:
    goal = dataset.goal
    total = dataset.total or {}
    points = [
        charts.Point(str(label), total.get(f"q{q}"), fmt.percent(total.get(f"q{q}")))
        for q, label in zip((1, 2, 3, 4), QUARTER_LABELS, strict=True)
    ]
    bars = _bars(dataset, "pass_rate", "percent", lambda v: fmt.meets(v, goal.low))
    values = [p.value for p in points if p.value is not None]
    values += [b.value for b in bars if b.value is not None]
    scale = _percent_scale(values, goal.low)
    target = charts.Target(goal.low, None, str(goal.text))
    line = charts.line_chart(
        "chart-pass-rate-quarters",
        gettext("%(scope)s %(year)s 年各季度抽检合格率")
        % {"scope": scope.label, "year": scope.year},
        _describe(points, gettext("各季度合格率"), str(goal.text))
        + (gettext("纵轴从 %(low)s 开始。") % {"low": _pct_tick(scale[0])} if scale[0] else ""),
        points,
        scale=scale,
        target=target,
        ticks=charts.nice_ticks(*scale, most=6),
        tick_format=_pct_tick,
    )
    bar = charts.bar_chart(
        "chart-pass-rate-regions",
        gettext("%(year)s 年各地区抽检合格率") % {"year": scope.year},
        _describe(bars, gettext("各地区全年合格率"), str(goal.text))
        + (gettext("横轴从 %(low)s 开始。") % {"low": _pct_tick(scale[0])} if scale[0] else ""),
        bars,
        scale=scale,
        target=target,
        ticks=_ticks(scale),
        tick_format=_pct_tick,
    )
    return [line, bar]


def density_charts(dataset: Dataset, scope: Scope) -> list[SafeString]:
    goal = dataset.goal
    bars = _bars(dataset, "per_1000", "decimal", lambda v: fmt.meets(v, goal.low))
    scale = _count_scale([b.value for b in bars if b.value is not None], goal.high or goal.low)
    return [
        charts.bar_chart(
            "chart-sampling-density",
            gettext("%(year)s 年各地区每千人抽检批次") % {"year": scope.year},
            _describe(bars, gettext("每千人抽检批次"), str(goal.text)),
            bars,
            scale=scale,
            # Short in the chart (a long label is cut off at 360 px); the heading has it all.
            target=charts.Target(goal.low, goal.high, f"{gettext('目标')} {gettext('1.5–2')}"),
            ticks=_ticks(scale),
            tick_format=_num_tick,
        )
    ]


def coverage_charts(dataset: Dataset, scope: Scope) -> list[SafeString]:
    goal = dataset.goal
    bars = _bars(dataset, "coverage", "percent", lambda v: fmt.meets(v, goal.low))
    scale = (0.0, 100.0)
    return [
        charts.bar_chart(
            "chart-certificate-coverage",
            gettext("%(year)s 年各地区承诺达标合格证开具覆盖率") % {"year": scope.year},
            _describe(bars, gettext("开具覆盖率"), str(goal.text)),
            bars,
            scale=scale,
            target=charts.Target(goal.low, None, str(goal.text)),
            ticks=_ticks(scale),
            tick_format=_pct_tick,
        )
    ]


def grade_series() -> list[charts.Series]:
    return [charts.Series(g, str(GRADE_LABELS[g])) for g in GRADES]


def grade_charts(dataset: Dataset, scope: Scope) -> list[SafeString]:
    series = grade_series()
    stacks = []
    for row in [*([dataset.total] if dataset.total else []), *dataset.rows]:
        stacks.append(
            charts.Stack(
                str(row["region"]),
                {g: row[g] for g in GRADES},
                gettext("%(n)s 户") % {"n": fmt.integer(row["total"])},
            )
        )
    described = []
    for stack in stacks:
        shares = _punct("、").join(
            f"{g} {stack.values[g]}" for g in GRADES if stack.values.get(g)
        ) or gettext("无")
        described.append(f"{stack.label}{_punct('（')}{shares}{_punct('）')}")
    desc = gettext("各地区生产经营主体的信用等级户数：") + _sep().join(described) + gettext("。")
    return [
        charts.stacked_bar_chart(
            "chart-grade-distribution",
            gettext("%(scope)s 信用等级分布") % {"scope": scope.label},
            desc,
            stacks,
            series,
        )
    ]


def blacklist_charts(dataset: Dataset, scope: Scope) -> list[SafeString]:
    bars = _bars(dataset, "in_force", "int")
    scale = _count_scale([b.value for b in bars if b.value is not None], 1, integer=True)
    return [
        charts.bar_chart(
            "chart-blacklist",
            gettext("各地区黑名单在列主体数"),
            _describe(bars, gettext("黑名单在列主体")),
            bars,
            scale=scale,
            ticks=_ticks(scale, integer=True),
            tick_format=_num_tick,
        )
    ]


def cases_charts(dataset: Dataset, scope: Scope) -> list[SafeString]:
    goal = dataset.goal
    bars = _bars(dataset, "cases", "int", lambda v: fmt.meets(v, goal.low))
    scale = _count_scale([b.value for b in bars if b.value is not None], goal.low, integer=True)
    return [
        charts.bar_chart(
            "chart-cases-per-county",
            gettext("%(year)s 年各县查办案件数") % {"year": scope.year},
            _describe(bars, gettext("各县案件数"), str(goal.text)),
            bars,
            scale=scale,
            target=charts.Target(goal.low, None, f"{gettext('目标')} ≥ {fmt.integer(goal.low)}"),
            ticks=_ticks(scale, integer=True),
            tick_format=_num_tick,
        )
    ]


CHARTS = {
    "pass-rate": pass_rate_charts,
    "sampling-density": density_charts,
    "certificate-coverage": coverage_charts,
    "grade-distribution": grade_charts,
    "blacklist": blacklist_charts,
    "cases-per-county": cases_charts,
}


def figures_for(datasets: dict[str, Dataset], metrics: Metrics, scope: Scope) -> list[Figure]:
    pass_rate = datasets["pass-rate"].total or {}
    density = datasets["sampling-density"].total or {}
    coverage = datasets["certificate-coverage"].total or {}
    blacklist = datasets["blacklist"].total or {}
    cases = datasets["cases-per-county"].total or {}
    producers = metrics.producers_on_file()
    counties, meeting = cases.get("counties", 0), cases.get("counties_meeting", 0)
    figures = [
        Figure(
            "pass-rate",
            gettext("抽检监测合格率"),
            fmt.percent(pass_rate.get("pass_rate")),
            gettext("≥ 98%"),
            fmt.meets(pass_rate.get("pass_rate"), 98.0),
            gettext("%(n)s 批次") % {"n": fmt.integer(pass_rate.get("samples", 0))},
        ),
        Figure(
            "sampling-density",
            gettext("每千人抽检批次"),
            fmt.decimal(density.get("per_1000")),
            gettext("1.5–2"),
            fmt.meets(density.get("per_1000"), 1.5),
        ),
        Figure(
            "certificate-coverage",
            gettext("合格证开具覆盖率"),
            fmt.percent(coverage.get("coverage")),
            gettext("100%"),
            fmt.meets(coverage.get("coverage"), 100.0),
        ),
        Figure(
            "cases-per-county",
            gettext("案件数达标的县"),
            f"{meeting} / {counties}",
            gettext("每县 ≥ 2 件"),
            (meeting == counties) if counties else None,
        ),
        Figure(
            "blacklist",
            gettext("黑名单在列主体"),
            fmt.integer(blacklist.get("in_force", 0)),
        ),
        Figure(
            "producers",
            gettext("在册生产经营主体"),
            fmt.integer(producers),
            gettext("12,000+") if scope.region is None else "",
            (producers >= PRODUCERS_TARGET) if scope.region is None else None,
        ),
    ]
    return figures


def build_dashboard(params: Mapping, today: datetime.date) -> Dashboard:
    scope = parse_scope(params, today)
    metrics = Metrics(scope)
    datasets = metrics.datasets()
    panels = []
    for slug in DATASETS:
        dataset = datasets[slug]
        panels.append(
            Panel(
                slug=slug,
                title=str(dataset.title),
                charts=CHARTS[slug](dataset, scope),
                table=table_for(dataset),
                downloads=downloads_for(slug, scope),
                notes=dataset.notes,
                goal=str(dataset.goal.text) if dataset.goal else "",
                legend=charts.legend(grade_series()) if slug == "grade-distribution" else None,
            )
        )
    return Dashboard(
        scope=scope,
        figures=figures_for(datasets, metrics, scope),
        panels=panels,
        regions=region_options(),
        years=year_options(today),
        query=scope.query(),
    )
