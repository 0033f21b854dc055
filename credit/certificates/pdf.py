"""The printable 承诺达标合格证 of one production batch (MARA order 2025 No. 4): A6 pages
with the product, quantity (weight), origin, producer, contact, issue date, the commitment,
the trace code and a QR code that opens the certificate's verification page on the portal.

The contact is printed in full on purpose: the order requires the producer's contact on
the certificate it attaches to its own goods. Only staff download this PDF (admin).
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from credit.certificates.service import quantity_text, verification_url
from credit.models import Certificate

MAX_COPIES = 50

COMMITMENTS = (
    "不使用禁用农药兽药、停用兽药和非法添加物",
    "常规农药兽药残留不超标",
    "严格执行农药安全间隔期、兽药休药期规定",
    "对承诺的真实性负责",
)
BASES = ("委托检测", "自我检测", "内部质量控制", "自我承诺")


def qr_svg_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#000")


def context_for(cert: Certificate, copies: int = 1) -> dict:
    url = verification_url(cert.code)
    return {
        "cert": cert,
        "producer": cert.producer,
        "quantity": quantity_text(cert),
        "contact": cert.producer.phone or "—",
        "trace_code": cert.trace_code or cert.code,
        "verify_url": url,
        "qr": qr_svg_data_uri(url),
        "commitments": COMMITMENTS,
        "bases": BASES,
        "copies": range(max(1, min(int(copies), MAX_COPIES))),
        "printed_at": timezone.localtime(),
    }


def render_certificate_pdf(cert: Certificate, copies: int = 1) -> bytes:
    from weasyprint import HTML

    html = render_to_string("credit/certificates/certificate_pdf.html", context_for(cert, copies))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
