"""Batch credit checks (批量信用核查) and the programmes they are made for.

A BatchCheck is issued once and never changes: `content` holds the canonical JSON of the
report (see credit.checks.report.canonical_content) and `content_sha256` its SHA-256, which
the PDF footer and the public page /verify/<code>/ both show.
"""

import json
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .grades import Scenario

# No 0/O, 1/I/L: codes are read off paper and typed in.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_verification_code(value: str) -> str:
    """Accept codes as printed (groups of four with dashes or spaces, any case)."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


class Programme(models.Model):
    """展会 / 品牌评选 / 项目申报 / 评优评先: what an organisation checks producers for."""

    organisation = models.ForeignKey(
        "credit.Organisation",
        on_delete=models.CASCADE,
        related_name="programmes",
        verbose_name=_("机构"),
    )
    kind = models.CharField(_("类型（惩戒场景）"), max_length=24, choices=Scenario.choices)
    name = models.CharField(_("名称"), max_length=200)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    location = models.CharField(_("地点"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("展会/评选/项目")
        verbose_name_plural = _("展会/评选/项目")

    def __str__(self):
        return f"{self.name}（{self.start_date}）"


class CheckSource(models.TextChoices):
    API = "api", _("接口")
    UPLOAD = "upload", _("上传文件")
    PASTE = "paste", _("粘贴名单")


class BatchCheck(models.Model):
    organisation = models.ForeignKey(
        "credit.Organisation",
        on_delete=models.PROTECT,
        related_name="checks",
        verbose_name=_("机构"),
    )
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checks",
        verbose_name=_("展会/评选/项目"),
    )
    scenario = models.CharField(_("惩戒场景"), max_length=24, choices=Scenario.choices)
    date = models.DateField(_("核查基准日"))
    created = models.DateTimeField(_("核查时间"))
    source = models.CharField(_("来源"), max_length=8, choices=CheckSource.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    token = models.ForeignKey(
        "credit.ApiToken",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checks",
        verbose_name=_("API 令牌"),
    )
    verification_code = models.CharField(
        _("验证码"), max_length=CODE_LENGTH, unique=True, default=new_verification_code
    )
    entry_count = models.PositiveIntegerField(_("条目数"))
    summary = models.JSONField(_("汇总"))
    content = models.TextField(_("报告内容（规范 JSON）"), editable=False)
    content_sha256 = models.CharField(_("内容 SHA-256"), max_length=64, editable=False)
    pdf = models.FileField(_("PDF 报告"), upload_to="credit/checks/", blank=True, editable=False)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("批量信用核查")
        verbose_name_plural = _("批量信用核查")

    def __str__(self):
        return f"{self.organisation} {self.get_scenario_display()} {self.date} ({self.verification_code})"

    @property
    def document(self) -> dict:
        """The hashed report document (parsed from the stored canonical JSON)."""
        cached = getattr(self, "_document", None)
        if cached is None:
            cached = self._document = json.loads(self.content)
        return cached

    @property
    def results(self) -> list[dict]:
        return self.document["results"]

    @property
    def display_code(self) -> str:
        code = self.verification_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
