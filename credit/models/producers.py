from django.db import models
from django.utils.translation import gettext_lazy as _


class ProducerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    FAMILY_FARM = "family_farm", _("家庭农场")
    GROWER = "grower", _("种养大户")
    INPUT_DEALER = "input_dealer", _("农资经营者")


class ProductCategory(models.TextChoices):
    VEGETABLES = "vegetables", _("蔬菜")
    FRUIT = "fruit", _("水果")
    LIVESTOCK = "livestock", _("畜肉")
    POULTRY = "poultry", _("禽肉")
    EGGS = "eggs", _("禽蛋")
    AQUATIC = "aquatic", _("水产品")
    TEA = "tea", _("茶叶")
    GRAIN = "grain", _("粮食")
    EDIBLE_FUNGI = "edible_fungi", _("食用菌")
    OTHER = "other", _("其他")


class Producer(models.Model):
    """生产经营主体. Identified by USCC, or by ID number for family farms and growers."""

    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True
    )
    id_number = models.CharField(
        _("身份证号码"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        help_text=_("仅内部使用，公开页面只显示脱敏号码"),
    )
    name = models.CharField(_("名称"), max_length=200, db_index=True)
    former_names = models.JSONField(_("曾用名"), default=list, blank=True)
    kind = models.CharField(_("主体类型"), max_length=16, choices=ProducerKind.choices)
    region = models.ForeignKey(
        "credit.Region",
        on_delete=models.PROTECT,
        related_name="producers",
        verbose_name=_("行政区划"),
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    legal_rep = models.CharField(_("法定代表人/负责人"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    categories = models.JSONField(_("产品类别"), default=list, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name=_("合并至"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Denormalised from the newest CreditGrade so lists and filters need no join.
    grade = models.CharField(_("信用等级"), max_length=1, default="U", db_index=True)
    score = models.DecimalField(_("信用得分"), max_digits=4, decimal_places=1, null=True)
    graded_on = models.DateField(_("评定日期"), null=True, blank=True)
    grade_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("生产经营主体")
        verbose_name_plural = _("生产经营主体")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uscc__isnull=False) | models.Q(id_number__isnull=False),
                name="producer_has_identifier",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def key(self) -> str:
        """The public identifier: the USCC, else the masked ID number."""
        return self.uscc or self.masked_id_number

    @property
    def masked_id_number(self) -> str:
        from credit.identifiers import mask_id_number

        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        from credit.identifiers import mask_phone

        return mask_phone(self.phone)
