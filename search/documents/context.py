"""Shared look-ups for the credit document builders: regions, policy, repairs, labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

# Placeholder names GB/T 2260 uses for grouping levels; never part of a place name.
_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


class RegionIndex:
    """GB/T 2260 regions in memory (~3,200 rows): ancestors and path names by code."""

    def __init__(self, rows):
        self.rows = {code: (name, parent) for code, name, parent in rows}
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self._paths: dict[str, str] = {}

    @classmethod
    def load(cls) -> RegionIndex:
        from credit.models import Region

        return cls(Region.objects.values_list("code", "name", "parent_id"))

    def ancestors(self, code: str | None) -> tuple[str, ...]:
        """The code and every ancestor's, top level first (the 'any level' facet values)."""
        if not code:
            return ()
        hit = self._ancestors.get(code)
        if hit is None:
            chain, node, seen = [], code, set()
            while node and node in self.rows and node not in seen:
                seen.add(node)
                chain.append(node)
                node = self.rows[node][1]
            hit = tuple(reversed(chain)) or (code,)
            self._ancestors[code] = hit
        return hit

    def name(self, code: str) -> str:
        return self.rows.get(code, (code, None))[0]

    def path_name(self, code: str | None) -> str:
        """吉林省长春市农安县 (grouping placeholders left out)."""
        if not code:
            return ""
        hit = self._paths.get(code)
        if hit is None:
            names = (self.name(c) for c in self.ancestors(code))
            hit = self._paths[code] = "".join(n for n in names if n not in _PLACEHOLDERS)
        return hit


@dataclass
class BuildContext:
    """Everything a builder needs besides its rows; one per rebuild or reindex batch."""

    today: date = field(default_factory=lambda: timezone.localdate())

    @cached_property
    def regions(self) -> RegionIndex:
        return RegionIndex.load()

    @cached_property
    def policy(self):
        from credit.services.grading import policy_for

        return policy_for(self.today)

    def repairs(self, model, fact_ids) -> dict[int, date]:
        """fact id -> the day an approved repair took effect."""
        from credit.models import RepairApplication, RepairStatus

        ids = list(fact_ids)
        if not ids:
            return {}
        out: dict[int, date] = {}
        ct = ContentType.objects.get_for_model(model)
        for start in range(0, len(ids), 900):
            out.update(
                RepairApplication.objects.filter(
                    fact_type=ct, status=RepairStatus.APPROVED, fact_id__in=ids[start : start + 900]
                )
                .exclude(approved_on__isnull=True)
                .values_list("fact_id", "approved_on")
            )
        return out


def choice_labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}
