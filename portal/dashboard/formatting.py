"""Pure formatting for the dashboard: numbers to display text, rates and shares.

No ORM and no Django settings: these are plain functions, tested alone.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DASH = "—"


def rate(part: int, whole: int) -> float | None:
    """part / whole as a percentage rounded half-up to one decimal; None when whole is 0."""
    if not whole:
        return None
    return round_half_up(100 * part / whole, 1)


def per_thousand(count: int, population: int | None) -> float | None:
    """count per 1,000 people, two decimals; None without a population."""
    if not population:
        return None
    return round_half_up(1000 * count / population, 2)


def round_half_up(value: float, digits: int) -> float:
    """Rounding as people do it on paper (2.25 → 2.3), not banker's rounding."""
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return DASH
    return f"{value:.{digits}f}%"


def decimal(value: float | None, digits: int = 2) -> str:
    if value is None:
        return DASH
    return f"{value:,.{digits}f}"


def integer(value: int | None) -> str:
    if value is None:
        return DASH
    return f"{value:,}"


def cell_text(value, kind: str) -> str:
    """Display text of one table cell by the column's kind."""
    if kind == "percent":
        return percent(value)
    if kind == "decimal":
        return decimal(value)
    if kind == "int":
        return integer(value)
    if kind == "bool":
        return DASH if value is None else ("✓" if value else "✗")
    return DASH if value in (None, "") else str(value)


def meets(value: float | None, low: float | None, high: float | None = None) -> bool | None:
    """Whether value reaches the target [low, high] (high None = no upper bound)."""
    if value is None or low is None:
        return None
    return value >= low and (high is None or value <= high)


def nice_ceiling(value: float) -> float:
    """A round number ≥ value for a chart's scale: 1, 2, 2.5, 5 × 10^n."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 10 ** _neg_exp(value)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)


def _neg_exp(value: float) -> int:
    exp = 0
    while value < 1:
        value *= 10
        exp -= 1
    return exp
