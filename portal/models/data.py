"""Pages that publish credit data: unqualified-product notices (不合格农产品通报), national
quality-safety counties (国家农产品质量安全县) and the data landing pages (黑名单, 认证产品,
信用查询, 数据公开, 投诉举报)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from credit.models import CheckResult, Sampling
from pagekit.blocks import INTRO_FEATURES, BodyBlock, LinkBlock
from pagekit.choosers import region_chooser
from pagekit.listing import Badge, ListingMixin
from pagekit.producers import public_producer_name
from pagekit.sections import SectionIndexPage


def _today():
    return timezone.localdate()


# --- 不合格农产品通报 ----------------------------------------------------------------------


class NoticeIndexPage(SectionIndexPage):
    """不合格通报: the list of unqualified-product notices, newest first."""

    listing_model = "portal.UnqualifiedNoticePage"

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.UnqualifiedNoticePage"]

    class Meta:
        verbose_name = _("不合格通报栏目")
        verbose_name_plural = _("不合格通报栏目")


class UnqualifiedNoticePage(ListingMixin, Page):
    """不合格农产品通报: the failed samples of one period, read live from credit data.

    The table is not copied into the page: it always shows the samplings that are failed,
    dated within the period, in the region (if one is set) and not voided, so a correction
    recorded in the credit system shows here at once.
    """

    date = models.DateField(_("发布日期"), default=_today)
    issuer = models.CharField(_("通报单位"), max_length=200)
    period_start = models.DateField(_("通报期起"))
    period_end = models.DateField(_("通报期止"))
    region = models.ForeignKey(
        "credit.Region",
        verbose_name=_("范围（行政区划）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空表示本系统全部地区"),
    )
    intro = RichTextField(_("通报说明"), features=INTRO_FEATURES)
    body = StreamField(
        BodyBlock(),
        verbose_name=_("处置要求与附注"),
        blank=True,
        help_text=_("如：对不合格产品的处置、复检要求、消费提示"),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("date"), FieldPanel("issuer")]),
                FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
                FieldPanel("region", widget=region_chooser.widget_class),
            ],
            heading=_("通报范围"),
        ),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("issuer"),
        index.FilterField("date"),
    ]

    parent_page_types = ["portal.NoticeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("不合格农产品通报")
        verbose_name_plural = _("不合格农产品通报")

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("通报期止不能早于通报期起。")})

    def failed_samplings(self):
        qs = (
            Sampling.objects.active()
            .exclude(result=CheckResult.PASS)
            .filter(date__gte=self.period_start, date__lte=self.period_end)
            .select_related("producer", "producer__region")
            .order_by("date", "sample_code")
        )
        if self.region_id:
            qs = qs.filter(producer__region__code__startswith=self.region.prefix)
        return qs

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        rows = [
            {
                "sampling": s,
                "producer_name": public_producer_name(s.producer),
                "region": s.producer.region.full_name(),
            }
            for s in self.failed_samplings()
        ]
        context["failed_rows"] = rows
        context["prohibited_count"] = sum(
            1 for r in rows if r["sampling"].result == CheckResult.PROHIBITED
        )
        return context

    @property
    def listing_summary(self):
        return _("%(start)s 至 %(end)s 抽检不合格农产品情况") % {
            "start": self.period_start.isoformat(),
            "end": self.period_end.isoformat(),
        }

    @property
    def badges(self):
        return [Badge(self.issuer, "neutral", content=True)]


# --- 国家农产品质量安全县 ------------------------------------------------------------------


class CountyLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")


class CountyStatus(models.TextChoices):
    NAMED = "named", _("已命名")
    CREATING = "creating", _("创建中")
    REVOKED = "revoked", _("已撤销")


COUNTY_STATUS_TONE = {
    CountyStatus.NAMED: "success",
    CountyStatus.CREATING: "neutral",
    CountyStatus.REVOKED: "danger",
}


class QualityCountyIndexPage(ListingMixin, Page):
    """农产品质量安全县: all named / creating counties as one table."""

    intro = RichTextField(_("栏目简介"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["portal.HomePage", "portal.DataPage"]
    subpage_types = ["portal.QualityCountyPage"]

    class Meta:
        verbose_name = _("质量安全县栏目")
        verbose_name_plural = _("质量安全县栏目")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        order = {value: n for n, value in enumerate(CountyStatus.values)}
        counties = (
            QualityCountyPage.objects.child_of(self)
            .live()
            .select_related("county", "county__parent", "county__parent__parent")
        )
        context["counties"] = sorted(
            counties, key=lambda c: (order.get(c.status, 99), -c.year, c.county_id)
        )
        return context


class QualityCountyPage(ListingMixin, Page):
    """国家/省级农产品质量安全县: one county, its designation and what it did."""

    county = models.ForeignKey(
        "credit.Region",
        verbose_name=_("县（市、区）"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "county"},
    )
    level = models.CharField(
        _("级别"), max_length=16, choices=CountyLevel.choices, default=CountyLevel.NATIONAL
    )
    status = models.CharField(_("状态"), max_length=16, choices=CountyStatus.choices)
    year = models.PositiveSmallIntegerField(_("年份"), help_text=_("命名、启动创建或撤销的年份"))
    summary = models.TextField(_("概述"), max_length=600)
    highlights = StreamField(BodyBlock(), verbose_name=_("工作亮点"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("county", widget=region_chooser.widget_class),
        FieldRowPanel([FieldPanel("level"), FieldPanel("status"), FieldPanel("year")]),
        FieldPanel("summary"),
        FieldPanel("highlights"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("highlights"),
        index.FilterField("status"),
        index.FilterField("year"),
    ]
    parent_page_types = ["portal.QualityCountyIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("农产品质量安全县")
        verbose_name_plural = _("农产品质量安全县")

    def clean(self):
        super().clean()
        if self.county_id and self.county.level != "county":
            raise ValidationError({"county": _("请选择县级行政区划。")})

    @property
    def status_tone(self):
        return COUNTY_STATUS_TONE.get(self.status, "neutral")

    @property
    def listing_summary(self):
        return self.summary

    @property
    def badges(self):
        return [
            Badge(self.get_level_display(), "topic"),
            Badge(self.get_status_display(), self.status_tone),
        ]


# --- 数据栏目落地页 ------------------------------------------------------------------------


class DataKind(models.TextChoices):
    BLACKLIST = "blacklist", _("黑名单")
    CERTIFIED = "certified", _("认证产品")
    CREDIT = "credit", _("信用查询")
    OPEN_DATA = "open_data", _("数据公开")
    COMPLAINT = "complaint", _("投诉举报")


#: The routes of the live service of a data section that is not served in its page.
SERVICE_ROUTES = {
    DataKind.COMPLAINT: (
        (_("在线投诉举报"), "complaint-form"),
        (_("查询办理进度"), "complaint-track"),
    ),
}


class DataPage(ListingMixin, Page):
    """The landing page of a data section (黑名单, 认证产品, 信用查询, 数据公开, 投诉举报).

    For now it explains what the section publishes and links onwards; the live lists and
    query forms are added to these pages by later work, keyed by `kind`. 数据公开
    (`open_data`) shows the supervision dashboard (portal.dashboard; filters ?region=&year=).
    """

    kind = models.CharField(_("栏目类型"), max_length=16, choices=DataKind.choices)
    intro = RichTextField(_("栏目简介"), features=INTRO_FEATURES + ["ol", "ul"])
    links = StreamField([("link", LinkBlock())], verbose_name=_("相关链接"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("intro"),
        FieldPanel("links"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.FilterField("kind")]

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.QualityCountyIndexPage", "portal.StandardPage"]

    class Meta:
        verbose_name = _("数据栏目")
        verbose_name_plural = _("数据栏目")

    @property
    def listing_summary(self):
        return self.search_description or ""

    def service_links(self) -> list[tuple[str, str]]:
        """(label, URL) of the live service behind this section, when it is routed.

        The blacklist, certified-product and credit pages are taken over by their services
        (before_serve_page hooks); the complaint form lives at its own unprefixed URL, so
        this page (e.g. its English version) points there instead of promising it.
        """
        wanted = SERVICE_ROUTES.get(self.kind, ())
        links = []
        for label, name in wanted:
            try:
                links.append((label, reverse(name)))
            except NoReverseMatch:
                return []
        return links

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["child_pages"] = self.get_children().live().public().specific()
        context["service_links"] = self.service_links()
        if self.kind == DataKind.OPEN_DATA:
            from portal.dashboard.presentation import build_dashboard

            context["dashboard"] = build_dashboard(request.GET, timezone.localdate())
        return context
