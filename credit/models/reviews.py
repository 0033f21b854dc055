"""Objections (异议) and credit repair (信用修复): a producer's requests, decided by staff."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    UNDER_REVIEW = "under_review", _("审核中")
    UPHELD = "upheld", _("成立")
    REJECTED = "rejected", _("不成立")


class RepairStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    UNDER_REVIEW = "under_review", _("审核中")
    APPROVED = "approved", _("准予修复")
    REFUSED = "refused", _("不予修复")


class FactReference(models.Model):
    """Points at one fact of any kind (inspection, sampling, case, blacklist entry…)."""

    fact_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    fact_id = models.PositiveBigIntegerField()
    fact = GenericForeignKey("fact_type", "fact_id")

    class Meta:
        abstract = True


class Objection(FactReference):
    producer = models.ForeignKey(
        "credit.Producer",
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("生产经营主体"),
    )
    reason = models.TextField(_("异议理由"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    deadline = models.DateField(_("办结期限"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("决定人"),
    )
    decision_reason = models.TextField(_("决定理由"), blank=True)

    OPEN = (ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("异议")
        verbose_name_plural = _("异议")

    def __str__(self):
        return f"{self.producer} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class RepairApplication(FactReference):
    producer = models.ForeignKey(
        "credit.Producer",
        on_delete=models.PROTECT,
        related_name="repair_applications",
        verbose_name=_("生产经营主体"),
    )
    statement = models.TextField(_("整改情况说明"))
    commitment_accepted = models.BooleanField(_("已签署信用承诺"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=RepairStatus.choices, default=RepairStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("决定人"),
    )
    decision_reason = models.TextField(_("决定理由"), blank=True)
    approved_on = models.DateField(_("修复生效日期"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")

    def __str__(self):
        return f"{self.producer} · {self.get_status_display()}"
