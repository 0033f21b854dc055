"""投诉举报: complaints and reports from the public, triaged by regional officers.

A complaint gets a tracking number (TS + date + daily sequence) and a separate random query
code; only the holder of both sees its status and the public replies. The reporter's
contact details are shown to the officers assigned to the complaint and to superusers only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from credit.publicforms.uploads import get_private_storage


class ComplaintCategory(models.TextChoices):
    PROHIBITED_DRUGS = "prohibited_drugs", _("禁限用药物")
    RESIDUES = "residues", _("农药兽药残留")
    ILLEGAL_SLAUGHTER = "illegal_slaughter", _("私屠滥宰")
    WATER_INJECTION = "water_injection", _("注水注药")
    FAKE_INPUTS = "fake_inputs", _("假劣农资")
    CERTIFICATE = "certificate", _("合格证问题")
    OTHER = "other", _("其他")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("已接收")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    INVESTIGATING = "investigating", _("调查处理中")
    CONCLUDED = "concluded", _("已办结")


# The lifecycle: received → accepted / rejected; accepted → investigating → concluded.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ComplaintStatus.RECEIVED: (ComplaintStatus.ACCEPTED, ComplaintStatus.REJECTED),
    ComplaintStatus.ACCEPTED: (ComplaintStatus.INVESTIGATING,),
    ComplaintStatus.INVESTIGATING: (ComplaintStatus.CONCLUDED,),
    ComplaintStatus.REJECTED: (),
    ComplaintStatus.CONCLUDED: (),
}
# Moving into these states answers the reporter: the note is published to them.
ANSWERING = (ComplaintStatus.REJECTED, ComplaintStatus.CONCLUDED)


class Complaint(models.Model):
    tracking_number = models.CharField(_("受理编号"), max_length=20, unique=True, editable=False)
    query_code_hash = models.CharField(max_length=128, editable=False)
    category = models.CharField(_("问题类别"), max_length=20, choices=ComplaintCategory.choices)
    description = models.TextField(_("问题描述"), max_length=3000)
    place = models.CharField(_("发生地点"), max_length=200)
    region = models.ForeignKey(
        "credit.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在地区"),
    )
    producer_name = models.CharField(_("被举报主体（举报人填写）"), max_length=200, blank=True)
    producer = models.ForeignKey(
        "credit.Producer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("匹配的生产经营主体"),
    )
    occurred_on = models.DateField(_("发现日期"), null=True, blank=True)
    anonymous = models.BooleanField(_("匿名举报"), default=False)
    contact_name = models.CharField(_("举报人姓名"), max_length=50, blank=True)
    contact_phone = models.CharField(_("举报人电话"), max_length=32, blank=True)
    status = models.CharField(
        _("办理状态"),
        max_length=16,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
        db_index=True,
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("承办人员")
    )
    enforcement_case = models.ForeignKey(
        "credit.EnforcementCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("立案查处的案件"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # A keyed hash of the sender's address, to spot floods without keeping the address.
    source_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")

    def __str__(self):
        return self.tracking_number

    def allowed_transitions(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())


class ComplaintAttachment(models.Model):
    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("投诉举报"),
    )
    file = models.FileField(_("文件"), upload_to="complaints/", storage=get_private_storage)
    original_name = models.CharField(_("原文件名"), max_length=100)
    kind = models.CharField(_("文件类型"), max_length=8)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        verbose_name = _("举报材料")
        verbose_name_plural = _("举报材料")

    def __str__(self):
        return self.original_name


class ComplaintReply(models.Model):
    """A reply to the reporter (public: shown on the tracking page) or an internal note."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="replies", verbose_name=_("投诉举报")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("填写人"),
    )
    body = models.TextField(_("内容"), max_length=3000)
    public = models.BooleanField(_("答复举报人（公开给举报人）"), default=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("答复与备注")
        verbose_name_plural = _("答复与备注")

    def __str__(self):
        return f"{self.complaint} · {'答复' if self.public else '内部备注'}"


class ComplaintEvent(models.Model):
    """The complaint's history: status changes, assignments, case links (who, when)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", verbose_name=_("投诉举报")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self):
        return f"{self.complaint} · {self.action}"

    @property
    def to_status_label(self) -> str:
        return ComplaintStatus(self.to_status).label if self.to_status else ""
