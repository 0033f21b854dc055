"""Producer self-service: claim codes (认领码), the producer's reply to its grade (主体说明),
and what a producer sends with an objection or a repair application.

A claim code is printed on the notice letter (告知书) staff send when a negative record is
entered. With its USCC (or ID number) and that code a producer identifies itself online to
dispute a record (异议), apply for credit repair (信用修复) or reply to its grade. Only a
hash of the code is stored; the letter is the only place the code is ever shown.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credit.publicforms.uploads import get_private_storage


class ClaimCode(models.Model):
    producer = models.ForeignKey(
        "credit.Producer",
        on_delete=models.PROTECT,
        related_name="claim_codes",
        verbose_name=_("生产经营主体"),
    )
    code_hash = models.CharField(_("认领码（哈希）"), max_length=128, editable=False)
    issued_at = models.DateTimeField(_("签发时间"), default=timezone.now, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("签发人"),
        editable=False,
    )
    expires_on = models.DateField(_("有效期至"))
    subject = models.CharField(_("告知事项"), max_length=300, blank=True)
    used = models.BooleanField(_("已使用"), default=False)
    used_at = models.DateTimeField(_("首次使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("认领码")
        verbose_name_plural = _("认领码")

    def __str__(self):
        return f"{self.producer} · {self.issued_at:%Y-%m-%d}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and timezone.localdate() <= self.expires_on

    @property
    def state_label(self) -> str:
        if self.revoked_at is not None:
            return str(_("已作废"))
        if timezone.localdate() > self.expires_on:
            return str(_("已过期"))
        return str(_("已使用")) if self.used else str(_("未使用"))


class ReplyStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class ProducerReply(models.Model):
    """The producer's own statement about its grade, shown beside it once approved."""

    MAX_LENGTH = 500

    producer = models.ForeignKey(
        "credit.Producer",
        on_delete=models.PROTECT,
        related_name="replies",
        verbose_name=_("生产经营主体"),
    )
    text = models.TextField(_("主体说明"), max_length=MAX_LENGTH)
    grade = models.CharField(_("所回应的信用等级"), max_length=1)
    status = models.CharField(
        _("审核状态"), max_length=8, choices=ReplyStatus.choices, default=ReplyStatus.PENDING
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    moderation_note = models.TextField(_("审核意见"), blank=True)
    claim = models.ForeignKey(
        ClaimCode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("认领码"),
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("主体说明")
        verbose_name_plural = _("主体说明")

    def __str__(self):
        return f"{self.producer} · {self.get_status_display()}"


class RepairChecklist(models.Model):
    """What the producer declared with a repair application: obligations and commitment."""

    application = models.OneToOneField(
        "credit.RepairApplication",
        on_delete=models.CASCADE,
        related_name="checklist",
        verbose_name=_("信用修复申请"),
    )
    producer = models.ForeignKey(
        "credit.Producer",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("生产经营主体"),
    )
    fine_paid = models.BooleanField(_("罚没款已缴纳"), null=True, blank=True)
    rectification_done = models.BooleanField(_("已完成整改"), default=False)
    commitment_version = models.CharField(_("信用承诺书版本"), max_length=16)
    commitment_text = models.TextField(_("信用承诺书"))
    signer = models.CharField(_("承诺人"), max_length=100)
    signed_at = models.DateTimeField(_("签署时间"), auto_now_add=True)
    claim = models.ForeignKey(
        ClaimCode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("认领码"),
    )

    class Meta:
        verbose_name = _("信用修复承诺与清单")
        verbose_name_plural = _("信用修复承诺与清单")

    def __str__(self):
        return str(self.application)


class ReviewAttachment(models.Model):
    """A document a producer uploaded with an objection or a repair application."""

    producer = models.ForeignKey(
        "credit.Producer",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("生产经营主体"),
    )
    objection = models.ForeignKey(
        "credit.Objection",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("异议"),
    )
    repair = models.ForeignKey(
        "credit.RepairApplication",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("信用修复申请"),
    )
    file = models.FileField(_("文件"), upload_to="credit-reviews/", storage=get_private_storage)
    original_name = models.CharField(_("原文件名"), max_length=100)
    kind = models.CharField(_("文件类型"), max_length=8)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self):
        return self.original_name
