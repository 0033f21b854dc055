"""Credit facts. Append-only: content never changes after insert; a correction is a new
record that voids the earlier one (`corrects` → the voided fact, stamped once)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credit.models.producers import ProductCategory

# Fields a fact may still have written after insert: the one-time void stamp.
VOID_FIELDS = ("voided_at", "voided_by", "void_reason")


class AppendOnlyError(ValidationError):
    pass


class FactQuerySet(models.QuerySet):
    def active(self):
        return self.filter(voided_at__isnull=True)

    def update(self, **kwargs):
        if set(kwargs) - set(self.model.stamp_fields):
            raise AppendOnlyError(_("事实记录只能追加，不能修改；请录入更正记录。"))
        return super().update(**kwargs)

    def delete(self):
        raise AppendOnlyError(_("事实记录不能删除；请作废并说明原因。"))


class Fact(models.Model):
    producer = models.ForeignKey(
        "credit.Producer",
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("生产经营主体"),
    )
    recorded_at = models.DateTimeField(_("录入时间"), default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("录入人"),
        editable=False,
    )
    source = models.CharField(_("来源"), max_length=64, blank=True, editable=False)
    corrects = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
        verbose_name=_("更正的记录"),
        editable=False,
    )
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("作废人"),
        editable=False,
    )
    void_reason = models.CharField(_("作废原因"), max_length=500, blank=True, editable=False)

    objects = FactQuerySet.as_manager()

    # Subclasses name the fields that identify the same real-world record across imports.
    natural_key_fields: tuple[str, ...] = ()
    date_field = "date"
    stamp_fields: tuple[str, ...] = VOID_FIELDS

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            fields = kwargs.get("update_fields")
            if not fields or set(fields) - set(self.stamp_fields):
                raise AppendOnlyError(_("事实记录只能追加，不能修改；请录入更正记录。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("事实记录不能删除；请作废并说明原因。"))

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def fact_date(self):
        return getattr(self, self.date_field)

    def content(self) -> dict:
        """The fact's own content, for change detection, audit and hashing."""
        skip = {"id", "recorded_at", "recorded_by", "source", "corrects", *self.stamp_fields}
        data = {}
        for f in self._meta.concrete_fields:
            if f.name in skip:
                continue
            value = getattr(self, f.attname)
            data[f.attname] = value.isoformat() if hasattr(value, "isoformat") else value
        return data

    def clean(self):
        super().clean()
        day = self.fact_date
        if day and day > timezone.localdate():
            raise ValidationError({self.date_field: _("日期不能晚于今天。")})


def _active_unique(model: str, *fields: str) -> models.UniqueConstraint:
    # Corrections reuse the natural key, so it is unique among records not voided.
    return models.UniqueConstraint(
        fields=list(fields),
        condition=models.Q(voided_at__isnull=True),
        name=f"{model}_active_natural_key",
    )


class CheckResult(models.TextChoices):
    PASS = "pass", _("合格")
    OVER_LIMIT = "over_limit", _("超标")
    PROHIBITED = "prohibited", _("检出禁限用物质")


class SamplingPlan(models.TextChoices):
    ROUTINE = "routine", _("例行监测")
    SUPERVISION = "supervision", _("监督抽查")
    SPECIAL = "special", _("专项监测")


class Inspection(Fact):
    """巡查检查: None in a check means 'na' (not made), which the score ignores."""

    date = models.DateField(_("检查日期"), db_index=True)
    agency = models.CharField(_("检查机构"), max_length=200)
    records_ok = models.BooleanField(_("生产档案合规"), null=True, blank=True)
    certificate_ok = models.BooleanField(_("合格证开具合规"), null=True, blank=True)
    inputs_ok = models.BooleanField(_("投入品使用合规"), null=True, blank=True)
    false_certificate = models.BooleanField(_("虚假开证或冒用他人名义开证"), default=False)
    notes = models.TextField(_("备注"), blank=True)

    natural_key_fields = ("producer", "date", "agency")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("巡查检查")
        verbose_name_plural = _("巡查检查")
        constraints = [_active_unique("inspection", "producer", "date", "agency")]

    def __str__(self):
        return f"{self.date} {self.agency}"


class Sampling(Fact):
    sample_code = models.CharField(_("样品编号"), max_length=64)
    date = models.DateField(_("抽样日期"), db_index=True)
    product = models.CharField(_("产品名称"), max_length=100)
    category = models.CharField(_("产品类别"), max_length=16, choices=ProductCategory.choices)
    result = models.CharField(_("检测结果"), max_length=16, choices=CheckResult.choices)
    failed_items = models.CharField(_("不合格项目"), max_length=300, blank=True)
    lab = models.CharField(_("检测机构"), max_length=200, blank=True)
    plan = models.CharField(
        _("抽检类型"), max_length=16, choices=SamplingPlan.choices, default=SamplingPlan.ROUTINE
    )

    natural_key_fields = ("sample_code",)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("抽检监测")
        verbose_name_plural = _("抽检监测")
        constraints = [_active_unique("sampling", "sample_code")]

    def __str__(self):
        return f"{self.sample_code} {self.product}"


class Certificate(Fact):
    """承诺达标合格证, one per production batch (MARA order 2025 No. 4)."""

    code = models.CharField(_("合格证编号"), max_length=64)
    product = models.CharField(_("产品名称"), max_length=100)
    quantity = models.DecimalField(_("数量（重量）"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=16)
    origin = models.CharField(_("产地"), max_length=200)
    issue_date = models.DateField(_("开具日期"), db_index=True)
    trace_code = models.CharField(_("追溯码"), max_length=128, blank=True)

    natural_key_fields = ("code",)
    date_field = "issue_date"

    class Meta:
        ordering = ["-issue_date", "-id"]
        verbose_name = _("承诺达标合格证")
        verbose_name_plural = _("承诺达标合格证")
        constraints = [_active_unique("certificate", "code")]

    def __str__(self):
        return self.code


class CertificationType(models.TextChoices):
    GREEN = "green", _("绿色食品")
    ORGANIC = "organic", _("有机农产品")
    GI = "gi", _("农产品地理标志")
    MTYX = "mtyx", _("名特优新农产品")


class Certification(Fact):
    number = models.CharField(_("证书编号"), max_length=64)
    type = models.CharField(_("认证类型"), max_length=8, choices=CertificationType.choices)
    product = models.CharField(_("产品名称"), max_length=100)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"))

    natural_key_fields = ("number",)
    date_field = "valid_from"

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("认证登录")
        verbose_name_plural = _("认证登录")
        constraints = [_active_unique("certification", "number")]

    def __str__(self):
        return f"{self.get_type_display()} {self.number}"

    def clean(self):
        # valid_from may lie ahead (a renewal); only the ordering of the two dates matters.
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("有效期止不能早于有效期起。")})


class CaseSeverity(models.TextChoices):
    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("严重")


class EnforcementCase(Fact):
    case_number = models.CharField(_("案号"), max_length=100)
    decision_date = models.DateField(_("处罚决定日期"), db_index=True)
    agency = models.CharField(_("处罚机关"), max_length=200)
    severity = models.CharField(_("严重程度"), max_length=8, choices=CaseSeverity.choices)
    criminal_transfer = models.BooleanField(_("移送司法"), default=False)
    legal_basis = models.TextField(_("法律依据"), blank=True)
    facts = models.TextField(_("违法事实"), blank=True)
    penalty = models.TextField(_("处罚内容"), blank=True)
    fine_amount = models.DecimalField(
        _("罚没金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    natural_key_fields = ("case_number",)
    date_field = "decision_date"

    class Meta:
        ordering = ["-decision_date", "-id"]
        verbose_name = _("行政处罚案件")
        verbose_name_plural = _("行政处罚案件")
        constraints = [_active_unique("enforcementcase", "case_number")]

    def __str__(self):
        return self.case_number


class BlacklistEntry(Fact):
    """黑名单. Removal is a dated stamp like voiding: the entry stays, its effect ends."""

    decision_number = models.CharField(_("决定文号"), max_length=100)
    start_date = models.DateField(_("列入日期"), db_index=True)
    end_date = models.DateField(_("期满日期"), null=True, blank=True)
    reason = models.TextField(_("列入事由"))
    legal_basis = models.TextField(_("法律依据"), blank=True)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True, editable=False)
    removal_reason = models.CharField(_("移出原因"), max_length=500, blank=True, editable=False)

    natural_key_fields = ("decision_number",)
    date_field = "start_date"
    stamp_fields = (*VOID_FIELDS, "removed_on", "removal_reason")

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("黑名单")
        verbose_name_plural = _("黑名单")
        constraints = [_active_unique("blacklistentry", "decision_number")]

    def __str__(self):
        return self.decision_number

    def clean(self):
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("期满日期不能早于列入日期。")})


FACT_MODELS = (Inspection, Sampling, Certificate, Certification, EnforcementCase, BlacklistEntry)
