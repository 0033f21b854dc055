"""Importing a file of producers or facts: validate everything, then write everything.

Pass 1 streams the file and checks every row (values, producers, in-file duplicates); if
anything is wrong nothing is written and the result carries an error report. Pass 2
streams the file again and, inside one transaction, creates, corrects (void + insert with
`corrects`) or leaves unchanged each record by its natural key, auditing in batches.
Memory stays flat: one batch of rows at a time plus an on-disk store of key hashes.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, reset_queries, transaction
from django.db.models import Q
from django.utils import timezone

from credit.importers.columns import (
    KINDS,
    SPECS,
    Column,
    KindSpec,
    header_key,
    header_table,
    text_of,
)
from credit.importers.keys import KeyStore, hash64
from credit.importers.readers import FileFormatError, Source, open_table
from credit.importers.report import ErrorSink, RowError
from credit.models import Producer, Region
from credit.models.facts import VOID_FIELDS
from credit.services.audit import Event, actor_name, record_many

log = logging.getLogger(__name__)

VALIDATE_BATCH = 5000  # rows per producer-lookup query in pass 1
WRITE_BATCH = 2000  # rows per write batch in pass 2
PRODUCER_CACHE = 200_000  # resolved producer keys kept between batches
VOID_REASON = "import correction"
FACT_SOURCE = "import"

PRODUCER_FIELDS = (
    "uscc",
    "id_number",
    "name",
    "kind",
    "region_id",
    "address",
    "legal_rep",
    "phone",
    "categories",
)


class ImportAborted(Exception):
    """Pass 2 met something pass 1 did not (the database changed in between)."""


@dataclass
class ImportResult:
    ok: bool
    kind: str
    filename: str
    dry_run: bool = False
    counts: dict = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)  # the first ones, for display
    error_count: int = 0
    report_path: str | None = None
    affected_producers: int = 0

    def report_csv_bytes(self) -> bytes:
        if not self.report_path:
            return b""
        return Path(self.report_path).read_bytes()

    def summary_lines(self) -> list[str]:
        c, dry = self.counts, self.dry_run
        producers = self.kind == "producers"
        key = "updated" if producers else "corrected"
        zh_verb, zh_changed = ("将", "将") if dry else ("已", "已")
        zh_change = "更新" if producers else "更正"
        en = (
            ("would create", f"would {'update' if producers else 'correct'}")
            if dry
            else ("created", "updated" if producers else "corrected")
        )
        return [
            f"{self.filename}：共 {c.get('rows', 0)} 行数据 / {c.get('rows', 0)} data rows.",
            f"{zh_verb}新增 {c.get('created', 0)}，{zh_changed}{zh_change} {c.get(key, 0)}，"
            f"未变化 {c.get('unchanged', 0)}，文件内重复 {c.get('duplicates', 0)}。",
            f"{en[0]} {c.get('created', 0)}, {en[1]} {c.get(key, 0)}, "
            f"unchanged {c.get('unchanged', 0)}, duplicate rows {c.get('duplicates', 0)}.",
        ]


def default_report_path(kind: str) -> Path:
    var = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S-%f")
    return var / "import-reports" / f"{kind}-{stamp}.csv"


def run_import(
    kind: str,
    source,
    filename: str | None = None,
    *,
    dry_run: bool = False,
    user=None,
    progress: bool | Callable = True,
    report_path: str | os.PathLike | None = None,
    recompute: bool = True,
) -> ImportResult:
    """Import `source` (a path or a binary file object) as `kind` (DESIGN §9).

    All or nothing: with any error nothing is written and the full error report is saved
    as CSV at `report_path` (default var/import-reports/<kind>-<time>.csv). `user` is
    recorded on facts and in the audit trail and limits the import to the user's region
    (credit.services.scope); None means the system, unrestricted. `progress`: True for
    tqdm bars on stderr (hidden when not a terminal), False for none, or a callable
    `(phase, rows_done, rows_total_or_None)`.
    """
    if kind not in SPECS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    src = Source(source, filename)
    job = _Import(
        SPECS[kind], src, user=user, dry_run=dry_run, progress=progress, recompute=recompute
    )
    try:
        result = job.run()
        if not result.ok:
            path = Path(report_path) if report_path else default_report_path(kind)
            result.report_path = str(job.errors.write_csv(path))
        return result
    finally:
        job.close()
        src.close()


# --- helpers ------------------------------------------------------------------------------


def _jsonable(data: dict) -> dict:
    out = {}
    for k, v in data.items():
        if isinstance(v, Decimal):
            v = str(v)
        elif hasattr(v, "isoformat"):
            v = v.isoformat()
        out[k] = v
    return out


class _Progress:
    def __init__(self, setting, phase: str, total: int | None):
        self.setting, self.phase, self.total, self.done = setting, phase, total, 0
        self.bar = None
        if setting is True:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                desc=phase,
                unit="row",
                unit_scale=True,
                file=sys.stderr,
                disable=None,
                mininterval=0.5,
            )

    def update(self, n: int):
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        elif callable(self.setting):
            self.setting(self.phase, self.done, self.total)

    def close(self):
        if self.bar is not None:
            self.bar.close()


class ProducerResolver:
    """Producer key ('uscc'|'id_number', value) → (id, region_id), one query per batch.

    Merged producers resolve to their survivor (identifiers are never reused)."""

    def __init__(self):
        self.cache: dict[tuple[str, str], tuple[int, str] | None] = {}

    def resolve(self, keys: Iterable[tuple[str, str]]) -> dict:
        keys = set(keys)
        missing = [k for k in keys if k not in self.cache]
        if missing:
            if len(self.cache) + len(missing) > PRODUCER_CACHE:
                self.cache.clear()
            usccs = [v for f, v in missing if f == "uscc"]
            idns = [v for f, v in missing if f == "id_number"]
            rows = Producer.objects.filter(Q(uscc__in=usccs) | Q(id_number__in=idns)).values_list(
                "id", "uscc", "id_number", "region_id", "merged_into_id"
            )
            found, merged = {}, {}
            for pk, uscc, idn, region, merged_into in rows:
                for k in (("uscc", uscc), ("id_number", idn)):
                    if k[1] is not None:
                        found[k] = (pk, region)
                        if merged_into:
                            merged[k] = merged_into
            # Follow merges to the survivor (a few hops at most).
            for _ in range(5):
                if not merged:
                    break
                targets = dict(
                    Producer.objects.filter(pk__in=set(merged.values())).values_list(
                        "id", "merged_into_id"
                    )
                )
                regions = dict(
                    Producer.objects.filter(pk__in=set(merged.values())).values_list(
                        "id", "region_id"
                    )
                )
                nxt = {}
                for k, target in merged.items():
                    found[k] = (target, regions.get(target))
                    if targets.get(target):
                        nxt[k] = targets[target]
                merged = nxt
            for k in missing:
                self.cache[k] = found.get(k)
        return {k: self.cache[k] for k in keys}


# --- the job ------------------------------------------------------------------------------


class _Import:
    def __init__(self, spec: KindSpec, src: Source, *, user, dry_run, progress, recompute):
        self.spec, self.src, self.user = spec, src, user
        self.dry_run, self.progress, self.recompute = dry_run, progress, recompute
        self.is_producers = spec.kind == "producers"
        self.errors = ErrorSink()
        self.keys = KeyStore()
        self.resolver = ProducerResolver()
        self.counts = {
            "rows": 0,
            "created": 0,
            ("updated" if self.is_producers else "corrected"): 0,
            "unchanged": 0,
            "duplicates": 0,
        }
        self.affected: set[int] = set()
        self.actor = actor_name(user)
        self.reason = f"import {spec.kind} {src.filename}"[:500]
        self.scope = None  # region code prefix, None = everything
        if user is not None:
            from credit.services.scope import region_prefix

            self.scope = region_prefix(user)
        self.positions: list[Column | None] = []
        self.headers: list[str] = []
        self.present: set[str] = set()  # attrs of columns present in the file
        self._regions: set[str] | None = None

    def close(self):
        self.keys.close()
        self.errors.close()

    def result(self, ok: bool) -> ImportResult:
        self.errors.flush()
        return ImportResult(
            ok=ok,
            kind=self.spec.kind,
            filename=self.src.filename,
            dry_run=self.dry_run,
            counts=dict(self.counts),
            errors=list(self.errors.first),
            error_count=self.errors.count,
            affected_producers=len(self.affected),
        )

    # --- orchestration -------------------------------------------------------------------

    def run(self) -> ImportResult:
        if self.scope == "":
            self.errors.add(0, "", "", "当前用户没有管辖区域，不能导入数据。")
            return self.result(False)
        try:
            self.validate()
        except FileFormatError as exc:
            self.errors.add(0, "", "", str(exc))
        if self.errors:
            return self.result(False)
        try:
            if self.dry_run:
                self.write(dry=True)
            else:
                with transaction.atomic():
                    self.write(dry=False)
        except (ImportAborted, FileFormatError) as exc:
            self._reset_counts()
            self.errors.add(0, "", "", f"{exc}（未写入任何数据，请重新导入）")
            return self.result(False)
        except IntegrityError as exc:
            self._reset_counts()
            self.errors.add(
                0,
                "",
                "",
                f"数据库约束冲突，可能有人同时录入了相同记录：{exc}（未写入任何数据，请重新导入）",
            )
            return self.result(False)
        result = self.result(True)
        if not self.dry_run and self.affected:
            self._announce(sorted(self.affected))
        if not self.dry_run and self.recompute and self.affected:
            from credit.signals import schedule_recompute

            try:
                schedule_recompute(self.affected, reason=self.reason)
            except Exception:  # the data is committed; grades catch up with the nightly run
                log.exception("import committed but scheduling the recompute failed")
                result.counts["recompute_failed"] = 1
        return result

    @staticmethod
    def _announce(producer_ids: list[int]) -> None:
        """Rows written in bulk send no post_save: tell listeners (the search index) which
        producers' rows or facts changed, whether or not their grade does."""
        from credit import events

        transaction.on_commit(
            lambda: events.records_imported.send(sender=Producer, producer_ids=producer_ids)
        )

    def _reset_counts(self):
        for k in self.counts:
            self.counts[k] = 0
        self.affected.clear()

    # --- headers and rows ----------------------------------------------------------------

    def map_headers(self, headers: list) -> bool:
        table = header_table(self.spec)
        self.headers = [text_of(h) for h in headers]
        seen: dict[str, int] = {}
        ok = True
        for i, raw in enumerate(self.headers):
            key = header_key(raw)
            if not key:
                self.positions.append(None)
                continue
            col = table.get(key)
            if col is None:
                expected = "、".join(c.name for c in self.spec.columns)
                self.errors.add(
                    1,
                    raw,
                    raw,
                    f"未知的列“{raw}”：{self.spec.label}文件可用的列为 {expected}"
                    "（或对应的中文列名）。",
                )
                ok = False
                self.positions.append(None)
                continue
            if col.name in seen:
                self.errors.add(
                    1,
                    raw,
                    raw,
                    f"列重复：与第 {seen[col.name] + 1} 列"
                    f"“{self.headers[seen[col.name]]}”同为 {col.name}。",
                )
                ok = False
                self.positions.append(None)
                continue
            seen[col.name] = i
            self.positions.append(col)
        for col in self.spec.columns:
            if col.required and col.name not in seen:
                alias = f"（{col.aliases[0]}）" if col.aliases else ""
                self.errors.add(1, col.name, "", f"缺少必需的列：{col.name}{alias}。")
                ok = False
        if self.is_producers and "uscc" not in seen and "id_number" not in seen:
            self.errors.add(
                1,
                "uscc",
                "",
                "缺少必需的列：uscc（统一社会信用代码）或 id_number"
                "（身份证号码），至少要有其中一列。",
            )
            ok = False
        self.present = {c.attr for c in self.positions if c is not None}
        return ok

    def parse_row(self, row: int, cells) -> tuple[dict, bool]:
        values: dict = {}
        ok = True
        positions = self.positions
        for i, col in enumerate(positions):
            raw = cells[i] if i < len(cells) else None
            if col is None:
                if raw is not None and text_of(raw) != "":
                    self.errors.add(
                        row, f"第 {i + 1} 列", text_of(raw), "该列没有列标题，但有内容。"
                    )
                    ok = False
                continue
            blank = raw is None or (isinstance(raw, str) and not text_of(raw))
            if blank and not col.parse_blank:
                if col.value_required:
                    self.errors.add(row, self.headers[i], "", "必填项为空。")
                    ok = False
                else:
                    values[col.attr] = _blank_value(self.spec, col)
                continue
            try:
                values[col.attr] = col.parse(raw)
            except ValueError as exc:
                self.errors.add(row, self.headers[i], text_of(raw), str(exc))
                ok = False
        if len(cells) > len(positions):
            extra = [text_of(c) for c in cells[len(positions) :]]
            if any(extra):
                self.errors.add(
                    row,
                    f"第 {len(positions) + 1} 列起",
                    next(e for e in extra if e),
                    "该行的列数多于标题行。",
                )
                ok = False
        if ok:
            for check in self.spec.checks:
                problem = check(values)
                if problem:
                    attr, reason = problem
                    self.errors.add(row, self._header_for(attr), text_of(values.get(attr)), reason)
                    ok = False
        return values, ok

    def _header_for(self, attr: str) -> str:
        for i, col in enumerate(self.positions):
            if col is not None and col.attr == attr:
                return self.headers[i]
        return attr

    def rows(self, table) -> Iterator[tuple[int, tuple]]:
        """Non-blank rows; blank lines (spreadsheets often have some) are skipped."""
        for number, cells in table.rows:
            if not cells:
                continue
            for c in cells:
                if c is not None and (not isinstance(c, str) or c.strip()):
                    break
            else:
                continue
            yield number, cells

    # --- pass 1 ----------------------------------------------------------------------------

    def validate(self) -> None:
        bar = _Progress(self.progress, f"校验 {self.spec.kind}", None)
        try:
            with open_table(self.src) as table:
                if not self.map_headers(table.headers):
                    return
                batch: list[tuple[int, dict, bool]] = []
                for number, cells in self.rows(table):
                    values, ok = self.parse_row(number, cells)
                    self.counts["rows"] += 1
                    batch.append((number, values, ok))
                    if len(batch) >= VALIDATE_BATCH:
                        self._check_batch(batch)
                        bar.update(len(batch))
                        batch = []
                if batch:
                    self._check_batch(batch)
                    bar.update(len(batch))
        finally:
            bar.close()
            self.errors.flush()

    def _check_batch(self, batch) -> None:
        if self.is_producers:
            self._check_producer_batch(batch)
        else:
            self._check_fact_batch(batch)
        self.errors.flush()

    def _in_scope(self, region_code: str | None) -> bool:
        return self.scope is None or bool(region_code and region_code.startswith(self.scope))

    def _check_fact_batch(self, batch) -> None:
        refs = self.resolver.resolve(v["producer"] for _, v, _ in batch if "producer" in v)
        col = self._header_for("producer")
        key_fields = self.spec.key_fields
        key_cols = "、".join(self._header_for(f) for f in key_fields)
        items = []
        for number, values, ok in batch:
            key = values.get("producer")
            hit = refs[key] if key is not None else None
            if key is not None and hit is None:
                label = "统一社会信用代码" if key[0] == "uscc" else "身份证号码"
                self.errors.add(
                    number,
                    col,
                    key[1],
                    f"生产经营主体不存在：系统中没有{label}为该值的主体，请先导入生产经营主体。",
                )
                ok = False
            elif hit is not None and not self._in_scope(hit[1]):
                self.errors.add(number, col, key[1], "该生产经营主体不在您的管辖区域内。")
                ok = False
            if not ok or hit is None:
                continue
            shown = " / ".join(
                key[1] if f == "producer" else text_of(values[f]) for f in key_fields
            )
            tag = (key_cols, shown, key_cols)
            items.append((*self._fact_hashes(hit[0], values), number, tag))
        self._register(items)

    def _fact_hashes(self, pid: int, values: dict) -> tuple[int, int]:
        key = tuple(pid if f == "producer" else values[f] for f in self.spec.key_fields)
        content = tuple(sorted((k, v) for k, v in values.items() if k != "producer"))
        return hash64(self.spec.kind, key), hash64(pid, content)

    def _register(self, items) -> None:
        """items: (key hash, content hash, row, (column, value, what)); a key seen before with
        other content is an error, an identical repeat is imported once."""
        for (column, value, what), row, first, same in self.keys.register(items):
            if not same:
                self.errors.add(
                    row, column, value, f"{what}与第 {first} 行相同但内容不同（文件内重复）。"
                )

    def _regions_known(self) -> set[str]:
        if self._regions is None:
            self._regions = set(Region.objects.values_list("code", flat=True))
        return self._regions

    def _check_producer_batch(self, batch) -> None:
        usccs = {v["uscc"] for _, v, _ in batch if v.get("uscc")}
        idns = {v["id_number"] for _, v, _ in batch if v.get("id_number")}
        by_uscc, by_id = {}, {}
        for row in Producer.objects.filter(Q(uscc__in=usccs) | Q(id_number__in=idns)).values_list(
            "id", "uscc", "id_number", "region_id", "merged_into_id"
        ):
            if row[1]:
                by_uscc[row[1]] = row
            if row[2]:
                by_id[row[2]] = row
        regions = self._regions_known()
        h_uscc, h_id = self._header_for("uscc"), self._header_for("id_number")
        h_region = self._header_for("region_id")
        items = []
        for number, values, ok in batch:
            region = values.get("region_id")
            if region is not None:
                if region not in regions:
                    self.errors.add(number, h_region, region, "行政区划代码不存在（GB/T 2260）。")
                    ok = False
                elif not self._in_scope(region):
                    self.errors.add(number, h_region, region, "该行政区划不在您的管辖区域内。")
                    ok = False
            uscc, idn = values.get("uscc"), values.get("id_number")
            a, b = by_uscc.get(uscc) if uscc else None, by_id.get(idn) if idn else None
            match = a or b
            if a and b and a[0] != b[0]:
                self.errors.add(
                    number,
                    h_id,
                    idn,
                    "该身份证号码已属于另一个生产经营主体（与统一社会信用代码对应的主体不同）。",
                )
                ok = False
            elif match:
                if uscc and match[1] and match[1] != uscc:
                    self.errors.add(
                        number,
                        h_uscc,
                        uscc,
                        "按身份证号码找到的主体已有不同的统一社会信用代码；"
                        "标识码不能通过导入更改。",
                    )
                    ok = False
                if idn and match[2] and match[2] != idn:
                    self.errors.add(
                        number,
                        h_id,
                        idn,
                        "按统一社会信用代码找到的主体已有不同的身份证号码；"
                        "标识码不能通过导入更改。",
                    )
                    ok = False
                if match[4]:
                    self.errors.add(
                        number,
                        h_uscc if a else h_id,
                        uscc if a else idn,
                        "该主体已合并到其他主体，请改用存续主体。",
                    )
                    ok = False
                if not self._in_scope(match[3]):
                    self.errors.add(
                        number,
                        h_uscc if a else h_id,
                        uscc if a else idn,
                        "该生产经营主体不在您的管辖区域内。",
                    )
                    ok = False
            if not ok:
                continue
            content = hash64(tuple(sorted((k, repr(v)) for k, v in values.items())))
            if uscc:
                items.append(
                    (hash64("u", uscc), content, number, (h_uscc, uscc, "统一社会信用代码"))
                )
            if idn:
                items.append((hash64("i", idn), content, number, (h_id, idn, "身份证号码")))
            if match:
                items.append(
                    (
                        hash64("p", match[0]),
                        content,
                        number,
                        (h_uscc if uscc else h_id, uscc or idn, "对应的已有主体"),
                    )
                )
        self._register(items)

    # --- pass 2 ----------------------------------------------------------------------------

    def write(self, dry: bool) -> None:
        total = self.counts["rows"]
        self._reset_counts()
        phase = f"{'试导入' if dry else '导入'} {self.spec.kind}"
        bar = _Progress(self.progress, phase, total)
        try:
            with open_table(self.src) as table:
                self.positions, self.present = [], set()
                if not self.map_headers(table.headers):
                    raise ImportAborted("文件在校验后发生了变化")
                batch = []
                for number, cells in self.rows(table):
                    values, ok = self.parse_row(number, cells)
                    if not ok:
                        self.errors.flush()
                        first = self.errors.first[-1] if self.errors.first else None
                        raise ImportAborted(
                            f"第 {number} 行在写入时未通过校验"
                            f"{'：' + first.reason if first else ''}"
                        )
                    self.counts["rows"] += 1
                    batch.append((number, values))
                    if len(batch) >= WRITE_BATCH:
                        self._write_batch(batch, dry)
                        bar.update(len(batch))
                        batch = []
                if batch:
                    self._write_batch(batch, dry)
                    bar.update(len(batch))
        finally:
            bar.close()

    def _write_batch(self, batch, dry: bool) -> None:
        reset_queries()  # with DEBUG on, Django would otherwise keep every INSERT's SQL
        if self.is_producers:
            self._write_producers(batch, dry)
        else:
            self._write_facts(batch, dry)

    def _firsts(self, batch, hashes: list[int]):
        """Drop identical repeats (pass 1 ensured repeats are identical)."""
        firsts = self.keys.first_rows(hashes)
        kept = []
        for (number, values), h in zip(batch, hashes, strict=True):
            if firsts.get(h) == number:
                kept.append((number, values))
            else:
                self.counts["duplicates"] += 1
        return kept

    def _write_facts(self, batch, dry: bool) -> None:
        model = self.spec.model
        refs = self.resolver.resolve(v["producer"] for _, v in batch)
        rows = []
        for number, values in batch:
            hit = refs.get(values["producer"])
            if hit is None:
                raise ImportAborted(f"第 {number} 行的生产经营主体在校验后被删除或更改")
            rows.append((number, hit[0], {k: v for k, v in values.items() if k != "producer"}))
        hashes = [self._fact_hashes(pid, {**f, "producer": None})[0] for _, pid, f in rows]
        kept_numbers = {n for n, _ in self._firsts([(n, f) for n, _, f in rows], hashes)}
        rows = [r for r in rows if r[0] in kept_numbers]

        existing = self._existing_facts(rows)
        absent = [
            f.attname
            for f in model._meta.concrete_fields
            if f.attname not in self.present
            and f.name in _content_attrs(model)
            and f.attname != "producer_id"
        ]
        user_id = getattr(self.user, "pk", None)
        to_create, to_void = [], []
        for _, pid, fields in rows:
            key = self._natural_key(pid, fields)
            old = existing.get(key)
            data = dict(fields)
            if old is not None:
                for attr in absent:  # a column not in the file keeps the recorded value
                    data.setdefault(attr, getattr(old, attr))
            new = model(producer_id=pid, recorded_by_id=user_id, source=FACT_SOURCE, **data)
            if old is not None:
                if old.content() == new.content():
                    self.counts["unchanged"] += 1
                    continue
                new.corrects_id = old.pk
                # Stamps other than voiding (a blacklist removal) still hold for the
                # corrected record: a typo fix must not put a producer back on the list.
                for attr in model.stamp_fields:
                    if attr not in VOID_FIELDS:
                        setattr(new, attr, getattr(old, attr))
                to_void.append(old)
                self.counts["corrected"] += 1
            else:
                self.counts["created"] += 1
            to_create.append(new)
        if dry or not to_create:
            return
        now = timezone.now()
        if to_void:
            model.objects.filter(pk__in=[o.pk for o in to_void]).update(
                voided_at=now, voided_by=self.user if user_id else None, void_reason=VOID_REASON
            )
        model.objects.bulk_create(to_create, batch_size=WRITE_BATCH)
        name = model._meta.model_name
        events = []
        for new in to_create:
            if new.corrects_id:
                events.append(
                    Event(
                        "fact.voided",
                        name,
                        str(new.corrects_id),
                        actor=self.actor,
                        reason=VOID_REASON,
                        producer_id=new.producer_id,
                        data={"corrected_by": new.pk},
                    )
                )
            events.append(
                Event(
                    "fact.created",
                    name,
                    str(new.pk),
                    actor=self.actor,
                    reason=self.reason,
                    producer_id=new.producer_id,
                    data=_jsonable(new.content()),
                )
            )
            self.affected.add(new.producer_id)
        for old in to_void:
            self.affected.add(old.producer_id)
        record_many(events)

    def _natural_key(self, pid, fields) -> tuple:
        return tuple(pid if f == "producer" else fields[f] for f in self.spec.key_fields)

    def _existing_facts(self, rows) -> dict:
        model, fields = self.spec.model, self.spec.key_fields
        qs = model.objects.active()
        if fields == ("producer", "date", "agency"):
            qs = qs.filter(
                producer_id__in={pid for _, pid, _ in rows},
                date__in={f["date"] for _, _, f in rows},
                agency__in={f["agency"] for _, _, f in rows},
            )
        else:
            (name,) = fields
            qs = qs.filter(**{f"{name}__in": {f[name] for _, _, f in rows}})
        wanted = {self._natural_key(pid, f) for _, pid, f in rows}
        out = {}
        for obj in qs.iterator(chunk_size=WRITE_BATCH):
            key = tuple(obj.producer_id if f == "producer" else getattr(obj, f) for f in fields)
            if key in wanted:
                out[key] = obj
        return out

    def _write_producers(self, batch, dry: bool) -> None:
        hashes = [
            hash64("u", v["uscc"]) if v.get("uscc") else hash64("i", v["id_number"])
            for _, v in batch
        ]
        batch = self._firsts(batch, hashes)
        usccs = {v["uscc"] for _, v in batch if v.get("uscc")}
        idns = {v["id_number"] for _, v in batch if v.get("id_number")}
        by_uscc, by_id = {}, {}
        for p in Producer.objects.filter(Q(uscc__in=usccs) | Q(id_number__in=idns)):
            if p.uscc:
                by_uscc[p.uscc] = p
            if p.id_number:
                by_id[p.id_number] = p
        to_create, to_update, changed_fields, events = [], [], set(), []
        for number, values in batch:
            p = (by_uscc.get(values.get("uscc")) if values.get("uscc") else None) or (
                by_id.get(values.get("id_number")) if values.get("id_number") else None
            )
            if p is None:
                data = {k: v for k, v in values.items()}
                for k in ("uscc", "id_number"):
                    data[k] = data.get(k) or None
                to_create.append(Producer(**data))
                self.counts["created"] += 1
                continue
            if p.merged_into_id or not self._in_scope(p.region_id):
                raise ImportAborted(f"第 {number} 行对应的主体在校验后发生了变化")
            changes = {}
            for attr, new in values.items():
                if attr in ("uscc", "id_number") and not new:
                    continue  # a blank identifier never clears a recorded one
                old = getattr(p, attr)
                if attr == "categories" and set(old or []) == set(new):
                    continue
                if old != new:
                    changes[attr] = (old, new)
            if not changes:
                self.counts["unchanged"] += 1
                continue
            self.counts["updated"] += 1
            for attr, (_, new) in changes.items():
                setattr(p, attr, new)
            to_update.append((p, changes))
            changed_fields.update(changes)
        if dry:
            return
        if to_create:
            Producer.objects.bulk_create(to_create, batch_size=WRITE_BATCH)
            for p in to_create:
                events.append(
                    Event(
                        "producer.created",
                        "producer",
                        str(p.pk),
                        actor=self.actor,
                        reason=self.reason,
                        producer_id=p.pk,
                        data=_producer_data(p),
                    )
                )
                self.affected.add(p.pk)
        if to_update:
            now = timezone.now()
            for p, _ in to_update:
                p.updated_at = now
            Producer.objects.bulk_update(
                [p for p, _ in to_update], [*sorted(changed_fields), "updated_at"], batch_size=500
            )
            for p, changes in to_update:
                events.append(
                    Event(
                        "producer.updated",
                        "producer",
                        str(p.pk),
                        actor=self.actor,
                        reason=self.reason,
                        producer_id=p.pk,
                        data={
                            "changed": {
                                ("region_code" if k == "region_id" else k): [
                                    _jsonable({"v": o})["v"],
                                    _jsonable({"v": n})["v"],
                                ]
                                for k, (o, n) in changes.items()
                            }
                        },
                    )
                )
                self.affected.add(p.pk)
        record_many(events)


def _content_attrs(model) -> set[str]:
    skip = {"id", "recorded_at", "recorded_by", "source", "corrects", *model.stamp_fields}
    return {f.name for f in model._meta.concrete_fields if f.name not in skip}


def _producer_data(p: Producer) -> dict:
    return {
        "uscc": p.uscc,
        "id_number": p.id_number,
        "name": p.name,
        "kind": p.kind,
        "region_code": p.region_id,
        "address": p.address,
        "legal_rep": p.legal_rep,
        "phone": p.phone,
        "categories": list(p.categories or []),
    }


def _blank_value(spec: KindSpec, col: Column):
    """The value of a blank optional cell: the model's default or empty."""
    if col.attr in ("uscc", "id_number"):
        return None
    if col.attr == "categories":
        return []
    if col.attr == "region_id":
        return None
    f = spec.model._meta.get_field(col.attr)
    if f.has_default():
        return f.get_default()
    if f.null:
        return None
    return ""
