"""Policy versions, computed grades and the restrictions they carry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GradeChoices(models.TextChoices):
    A = "A", _("A 守信")
    B = "B", _("B 基本守信")
    C = "C", _("C 失信")
    D = "D", _("D 严重失信")
    U = "U", _("U 未评级")


class Scenario(models.TextChoices):
    EXHIBITION = "exhibition", _("展会参展")
    BRAND_SELECTION = "brand_selection", _("品牌评选")
    PROJECT_APPLICATION = "project_application", _("项目申报")
    HONOURS = "honours", _("评优评先")


class ScoringPolicy(models.Model):
    """A versioned credit policy. Every number of DESIGN §5 is in `parameters`."""

    version = models.CharField(_("版本"), max_length=16, unique=True)
    effective_from = models.DateField(_("生效日期"), unique=True)
    parameters = models.JSONField(_("参数"))
    notes = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("评分政策")
        verbose_name_plural = _("评分政策")

    def __str__(self):
        return f"v{self.version}（{self.effective_from}）"

    def clean(self):
        from django.core.exceptions import ValidationError

        from credit.policy import PolicyParams

        try:
            PolicyParams.from_dict({**(self.parameters or {}), "version": self.version})
        except (TypeError, ValueError) as exc:
            raise ValidationError({"parameters": str(exc)}) from exc

    def params(self):
        from credit.policy import PolicyParams

        return PolicyParams.from_dict({**self.parameters, "version": self.version})

    @classmethod
    def in_force(cls, day):
        policy = cls.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
        # Before the first effective date the first policy still applies: history is graded
        # by the oldest rules we have rather than left unrated.
        return policy or cls.objects.order_by("effective_from").first()


class CreditGrade(models.Model):
    """One computed grade. A new row is written only when the result changes."""

    producer = models.ForeignKey(
        "credit.Producer",
        on_delete=models.PROTECT,
        related_name="grades",
        verbose_name=_("生产经营主体"),
    )
    as_of = models.DateField(_("评定基准日"))
    policy_version = models.CharField(_("政策版本"), max_length=16)
    score = models.DecimalField(_("得分"), max_digits=4, decimal_places=1, null=True)
    grade = models.CharField(_("等级"), max_length=1, choices=GradeChoices.choices)
    breakdown = models.JSONField(_("计算明细"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"), auto_now_add=True)

    class Meta:
        ordering = ["-as_of", "-id"]
        get_latest_by = ["as_of", "id"]
        verbose_name = _("信用等级")
        verbose_name_plural = _("信用等级")
        indexes = [models.Index(fields=["producer", "-as_of", "-id"])]

    def __str__(self):
        return f"{self.producer} {self.grade} ({self.as_of})"

    # Parts of the breakdown (GradeResult.to_dict()), kept once rather than stored twice.
    @property
    def subscores(self) -> dict:
        return self.breakdown.get("subscores", {})

    @property
    def adjustments(self) -> list:
        return self.breakdown.get("adjustments", [])

    @property
    def hard_rules(self) -> list:
        return self.breakdown.get("hard_rules", [])

    def explanation(self) -> list[str]:
        from credit.scoring import explain
        from credit.services.grading import result_from_breakdown

        return explain(result_from_breakdown(self.breakdown))


class RestrictionSource(models.TextChoices):
    GRADE = "grade", _("信用等级")
    BLACKLIST = "blacklist", _("黑名单")


class Restriction(models.Model):
    """联合惩戒 in force (end null or in the future) or past (history kept)."""

    producer = models.ForeignKey(
        "credit.Producer",
        on_delete=models.PROTECT,
        related_name="restrictions",
        verbose_name=_("生产经营主体"),
    )
    scenario = models.CharField(_("惩戒场景"), max_length=24, choices=Scenario.choices)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("截止日期"), null=True, blank=True)
    basis = models.CharField(_("依据"), max_length=500)
    source = models.CharField(_("来源"), max_length=12, choices=RestrictionSource.choices)
    blacklist_entry = models.ForeignKey(
        "credit.BlacklistEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="restrictions",
    )
    grade = models.ForeignKey(
        CreditGrade, null=True, blank=True, on_delete=models.PROTECT, related_name="restrictions"
    )
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    class Meta:
        ordering = ["producer", "scenario", "-start"]
        verbose_name = _("联合惩戒措施")
        verbose_name_plural = _("联合惩戒措施")
        indexes = [models.Index(fields=["producer", "lifted_at"])]

    def __str__(self):
        return f"{self.producer} {self.get_scenario_display()}"

    def in_force_on(self, day) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class ChangeKind(models.TextChoices):
    IMPOSED = "imposed", _("实施")
    LIFTED = "lifted", _("解除")
    AMENDED = "amended", _("变更")


class RestrictionChange(models.Model):
    """The joint-punishment feed: one row per change; the id is the resumable cursor."""

    restriction = models.ForeignKey(Restriction, on_delete=models.PROTECT, related_name="changes")
    change = models.CharField(_("变更类型"), max_length=8, choices=ChangeKind.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    # A snapshot, so the feed shows what consumers were told even after later changes.
    scenario = models.CharField(max_length=24, choices=Scenario.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    basis = models.CharField(max_length=500)

    class Meta:
        ordering = ["id"]
        verbose_name = _("惩戒变更")
        verbose_name_plural = _("惩戒变更")

    def __str__(self):
        return f"#{self.pk} {self.change} {self.scenario}"
