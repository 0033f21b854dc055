"""Headline figures for the public home page, read from credit data."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q

from credit.models import BlacklistEntry, Certification, CheckResult, Producer, Sampling


@dataclass(frozen=True)
class Figures:
    producers: int
    blacklisted: int
    certifications: int
    samplings: int
    sampling_pass_rate: float | None  # percent, one decimal; None without samplings


def public_figures(today: date) -> Figures:
    """Producers on file, blacklist entries in force, valid certifications, and the
    sampling pass rate over the last 12 months (voided records excluded)."""
    producers = Producer.objects.filter(merged_into__isnull=True).count()
    blacklisted = (
        BlacklistEntry.objects.active()
        .filter(start_date__lte=today, removed_on__isnull=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values("producer")
        .distinct()
        .count()
    )
    certifications = (
        Certification.objects.active().filter(valid_from__lte=today, valid_to__gte=today).count()
    )
    window = Sampling.objects.active().filter(date__gt=today - timedelta(days=365), date__lte=today)
    totals = window.aggregate(n=Count("id"), ok=Count("id", filter=Q(result=CheckResult.PASS)))
    rate = round(100 * totals["ok"] / totals["n"], 1) if totals["n"] else None
    return Figures(producers, blacklisted, certifications, totals["n"], rate)
