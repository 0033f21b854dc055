"""Verification of 承诺达标合格证 by code (the page, the QR target and the API share it).

Only public fields leave this module: the issuer's contact is masked (mask_phone), an
issuer known only by an ID number is shown by its masked key and linked by its opaque public
id, and a large grower (a natural person) by its surname only, as on its credit page.
Messages are translated into the active language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.identifiers import mask_phone
from credit.models import Certificate
from credit.policy import GRADE_LABELS, SCENARIO_LABELS

MAX_CODE_LENGTH = 64
_CODE_RE = re.compile(r"^[0-9A-Za-z\-_.]{1,64}$")

VALID, VOIDED, UNKNOWN = "valid", "voided", "unknown"


def portal_base_url() -> str:
    """Absolute base of the public portal, for URLs printed on paper (QR codes)."""
    base = getattr(settings, "PORTAL_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL
    return base.rstrip("/")


def verification_url(code: str) -> str:
    return portal_base_url() + reverse("certificate-verify", args=(code,))


def normalize_code(value: str | None) -> str:
    """NFKC (full-width → half-width), whitespace removed; '' when not a plausible code."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or ""))
    return text if _CODE_RE.match(text) else ""


@dataclass
class Verification:
    code: str
    status: str  # valid, voided, unknown
    certificate: Certificate | None = None
    issuer: dict | None = None
    warnings: list[dict] = field(default_factory=list)
    checked_on: date | None = None

    @property
    def found(self) -> bool:
        return self.certificate is not None

    @property
    def ok(self) -> bool:
        return self.status == VALID and not self.warnings

    def as_public_dict(self) -> dict:
        cert = self.certificate
        data = {
            "code": self.code,
            "status": self.status,
            "valid": self.ok,
            "checked_on": self.checked_on.isoformat() if self.checked_on else None,
            "warnings": self.warnings,
            "certificate": None,
            "issuer": self.issuer,
        }
        if cert is not None:
            data["certificate"] = {
                "code": cert.code,
                "product": cert.product,
                "quantity": float(cert.quantity),
                "unit": cert.unit,
                "origin": cert.origin,
                "issue_date": cert.issue_date.isoformat(),
                "trace_code": cert.trace_code,
                "voided": cert.is_voided,
            }
        return data


def quantity_text(cert: Certificate) -> str:
    """1250.50 千克 → '1250.5 千克'; 1000.00 → '1000' (never '1E+3')."""
    value = Decimal(str(cert.quantity)).normalize()
    return f"{value:f} {cert.unit}"


def find_certificate(code: str) -> Certificate | None:
    """The active certificate with this code, else the newest voided one, else None."""
    if not code:
        return None
    qs = Certificate.objects.select_related("producer", "producer__region").filter(
        Q(code=code) | Q(code__iexact=code)
    )
    active = qs.filter(voided_at__isnull=True).order_by("-id").first()
    return active or qs.order_by("-voided_at", "-id").first()


def _label(text: str) -> str:
    return _(text) if text else ""  # gettext("") would return the catalogue header


def issuer_info(producer, today: date) -> tuple[dict, list[dict]]:
    """The issuer's public fields and the warnings its credit calls for."""
    from credit.public.keys import producer_url
    from credit.public.profile import public_name
    from credit.services.credit_view import producer_credit

    rated = producer
    while rated.merged_into_id:  # a merged issuer's credit is its survivor's
        rated = rated.merged_into
    credit = producer_credit(rated, today)
    region = producer.region
    restrictions = [
        {
            "scenario": r["scenario"],
            "label": _label(SCENARIO_LABELS.get(r["scenario"], r["scenario"])),
            "start": r["start"].isoformat() if r["start"] else None,
            "end": r["end"].isoformat() if r["end"] else None,
        }
        for r in credit["restrictions"]
    ]
    grade = credit["grade"]
    info = {
        "name": public_name(producer),
        "key": producer.key,
        "uscc": producer.uscc,
        "region_code": region.code,
        "region_name": region.full_name(),
        "contact": mask_phone(producer.phone),
        "grade": grade,
        "grade_label": _label(GRADE_LABELS.get(grade, "")),
        "credit_url": producer_url(rated) or None,
        "blacklisted": credit["blacklisted"],
        "restricted": bool(restrictions),
        "restrictions": restrictions,
    }
    warnings = []
    if credit["blacklisted"]:
        warnings.append(
            {
                "code": "blacklisted",
                "message": _(
                    "开具该合格证的生产经营主体目前列入农产品质量安全黑名单，请谨慎购买并核实产品来源。"
                ),
            }
        )
    elif restrictions:
        labels = _("、").join(r["label"] for r in restrictions)
        warnings.append(
            {
                "code": "restricted",
                "message": _(
                    "开具该合格证的生产经营主体信用等级为 %(grade)s（%(label)s），"
                    "目前受联合惩戒（%(restrictions)s）。"
                )
                % {"grade": grade, "label": info["grade_label"], "restrictions": labels},
            }
        )
    return info, warnings


def verify(code: str, today: date | None = None) -> Verification:
    today = today or timezone.localdate()
    code = normalize_code(code)
    cert = find_certificate(code)
    if cert is None:
        return Verification(
            code=code,
            status=UNKNOWN,
            checked_on=today,
            warnings=[
                {
                    "code": "unknown",
                    "message": _(
                        "平台上查不到该编号的承诺达标合格证。请核对编号；如合格证系伪造，"
                        "请拨打投诉举报电话或在线投诉举报。"
                    ),
                }
            ],
        )
    info, warnings = issuer_info(cert.producer, today)
    status = VALID
    if cert.is_voided:
        status = VOIDED
        warnings.insert(
            0,
            {
                "code": "voided",
                "message": _("该合格证已于 %(date)s 作废，不能作为产品达标的承诺。")
                % {"date": f"{timezone.localtime(cert.voided_at):%Y-%m-%d}"},
            },
        )
    return Verification(
        code=cert.code,
        status=status,
        certificate=cert,
        issuer=info,
        warnings=warnings,
        checked_on=today,
    )
