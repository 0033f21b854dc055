"""Credit policy parameters (policy v1).

Every number the grading rules use lives here as data, so a new policy version can be
stored, compared and audited without touching the scoring code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cached_property
from types import MappingProxyType
from typing import Any


def gettext_noop(message: str) -> str:
    """Mark a string for makemessages without translating it.

    Django's own gettext_noop reads settings.USE_I18N, so it cannot run at import time in a
    settings-free process; makemessages only looks at the call name.
    """
    return message


SCENARIOS = ("exhibition", "brand_selection", "project_application", "honours")
GRADES = ("A", "B", "C", "D", "U")
SUB_SCORES = ("certificate", "sampling", "records")
SEVERITIES = ("minor", "general", "serious")

GRADE_LABELS = {
    "A": gettext_noop("守信"),
    "B": gettext_noop("基本守信"),
    "C": gettext_noop("失信"),
    "D": gettext_noop("严重失信"),
    "U": gettext_noop("未评级"),
}

SCENARIO_LABELS = {
    "exhibition": gettext_noop("展会参展"),
    "brand_selection": gettext_noop("品牌评选"),
    "project_application": gettext_noop("项目申报"),
    "honours": gettext_noop("评优评先"),
}


def _default_restrictions() -> dict[str, tuple[str, ...]]:
    return {
        "A": (),
        "B": (),
        "C": ("brand_selection", "honours"),
        "D": ("exhibition", "brand_selection", "project_application", "honours"),
        "U": (),
    }


def _default_supervision() -> dict[str, int]:
    return {"A": 1, "B": 2, "C": 4, "D": 12, "U": 2}


def _default_publicity() -> dict[str, int]:
    return {"minor": 0, "general": 12, "serious": 36}


def _default_repair_wait() -> dict[str, int]:
    return {"general": 3, "serious": 12, "blacklist": 12}


_DECIMAL_FIELDS = (
    "weight_certificate",
    "weight_sampling",
    "weight_records",
    "threshold_a",
    "threshold_b",
    "threshold_c",
)
_INT_FIELDS = (
    "window_months",
    "penalty_general",
    "penalty_serious",
    "false_certificate",
    "certification_bonus",
    "certification_bonus_cap",
    "blacklist_publicity_months",
    "objection_window_days",
)


@dataclass(frozen=True)
class PolicyParams:
    """All parameters of one credit policy version.

    Mapping fields are stored read-only (mappingproxy with tuple values) so that the shared
    DEFAULT_POLICY cannot be mutated by accident.
    """

    version: str = "1"
    window_months: int = 24
    weight_certificate: Decimal = Decimal("0.30")
    weight_sampling: Decimal = Decimal("0.40")
    weight_records: Decimal = Decimal("0.30")
    penalty_general: int = -10
    penalty_serious: int = -25
    false_certificate: int = -20
    certification_bonus: int = 3
    certification_bonus_cap: int = 6
    threshold_a: Decimal = Decimal("90")
    threshold_b: Decimal = Decimal("75")
    threshold_c: Decimal = Decimal("60")
    restrictions_by_grade: Mapping[str, tuple[str, ...]] = field(
        default_factory=_default_restrictions
    )
    supervision_per_year: Mapping[str, int] = field(default_factory=_default_supervision)
    honour_grades: tuple[str, ...] = ("A",)
    publicity_months: Mapping[str, int] = field(default_factory=_default_publicity)
    blacklist_publicity_months: int = 36
    repair_wait_months: Mapping[str, int] = field(default_factory=_default_repair_wait)
    objection_window_days: int = 21

    def __post_init__(self) -> None:
        self._normalise()
        self._validate()

    def __hash__(self) -> int:
        # Mapping fields are not hashable; the canonical dict form is.
        return hash(repr(sorted(self.to_dict().items())))

    # -- derived views -------------------------------------------------------------------

    @property
    def weights(self) -> dict[str, Decimal]:
        return {
            "certificate": self.weight_certificate,
            "sampling": self.weight_sampling,
            "records": self.weight_records,
        }

    @cached_property
    def exact_weights(self) -> dict[str, Fraction]:
        """The weights as exact fractions, converted once per policy (scoring is hot)."""
        return {name: Fraction(w) for name, w in self.weights.items()}

    @property
    def grade_thresholds(self) -> tuple[tuple[str, Decimal], ...]:
        """(grade, minimum score) pairs, best grade first."""
        return (("A", self.threshold_a), ("B", self.threshold_b), ("C", self.threshold_c))

    # -- normalisation and validation ------------------------------------------------------

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    def _normalise(self) -> None:
        self._set("version", str(self.version))
        for name in _DECIMAL_FIELDS:
            self._set(name, _to_decimal(name, getattr(self, name)))
        for name in _INT_FIELDS:
            self._set(name, _to_int(name, getattr(self, name)))
        self._set(
            "restrictions_by_grade",
            _frozen_mapping(
                "restrictions_by_grade",
                self.restrictions_by_grade,
                _to_scenarios,
            ),
        )
        for name in ("supervision_per_year", "publicity_months", "repair_wait_months"):
            self._set(
                name,
                _frozen_mapping(
                    name, getattr(self, name), lambda k, v, n=name: _to_int(f"{n}[{k!r}]", v)
                ),
            )
        self._set("honour_grades", tuple(str(g) for g in self.honour_grades))

    def _validate(self) -> None:
        if self.window_months <= 0:
            raise ValueError(f"window_months must be positive (got {self.window_months})")
        for name, weight in self.weights.items():
            if weight < 0:
                raise ValueError(f"weight_{name} must be non-negative (got {weight})")
        total = sum(self.weights.values())
        if total != 1:
            raise ValueError(f"weights must sum to 1 (got {total})")
        a, b, c = self.threshold_a, self.threshold_b, self.threshold_c
        if not (a > b > c):
            raise ValueError(
                f"grade thresholds must be strictly descending A > B > C (got {a}, {b}, {c})"
            )
        for name in ("penalty_general", "penalty_serious", "false_certificate"):
            if getattr(self, name) > 0:
                raise ValueError(f"{name} must be zero or negative (got {getattr(self, name)})")
        for name in ("certification_bonus", "certification_bonus_cap"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be non-negative (got {getattr(self, name)})")
        self._validate_grade_maps()

    def _validate_grade_maps(self) -> None:
        for name in ("restrictions_by_grade", "supervision_per_year"):
            mapping = getattr(self, name)
            missing = [g for g in GRADES if g not in mapping]
            extra = [g for g in mapping if g not in GRADES]
            if missing or extra:
                raise ValueError(
                    f"{name} must have exactly the grades {GRADES} "
                    f"(missing {missing}, unknown {extra})"
                )
        for grade, scenarios in self.restrictions_by_grade.items():
            unknown = [s for s in scenarios if s not in SCENARIOS]
            if unknown:
                raise ValueError(
                    f"restrictions_by_grade[{grade!r}] has unknown scenarios {unknown}; "
                    f"allowed: {SCENARIOS}"
                )
        unknown_grades = [g for g in self.honour_grades if g not in GRADES]
        if unknown_grades:
            raise ValueError(f"honour_grades has unknown grades {unknown_grades}")

    # -- serialisation --------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form: Decimals as strings, tuples as lists."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Decimal):
                value = str(value)
            elif isinstance(value, MappingProxyType):
                value = {k: list(v) if isinstance(v, tuple) else v for k, v in value.items()}
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PolicyParams:
        """Build and validate a policy; keys left out keep their v1 defaults."""
        if not isinstance(data, dict):
            raise ValueError(f"policy data must be a dict (got {type(data).__name__})")
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise ValueError(f"unknown policy key {key!r}")
        return cls(**data)


def _to_decimal(name: str, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number (got {value!r})")
    try:
        # str() first so that a float such as 0.3 means "0.3", not its binary expansion.
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{name} must be a number (got {value!r})") from None


def _to_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer (got {value!r})")
    return value


def _to_scenarios(grade: str, value: Any) -> tuple[str, ...]:
    # A bare string would otherwise be split into characters.
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise ValueError(f"restrictions_by_grade[{grade!r}] must be a list of scenarios")
    return tuple(str(s) for s in value)


def _frozen_mapping(name: str, value: Any, convert: Callable[[Any, Any], Any]) -> MappingProxyType:
    if not hasattr(value, "items"):
        raise ValueError(f"{name} must be a mapping (got {type(value).__name__})")
    return MappingProxyType({str(k): convert(k, v) for k, v in value.items()})


DEFAULT_POLICY = PolicyParams()
