"""Editorial pages: science articles (科普), rumour rebuttals (辟谣), policies (政策法规) and
plain pages (about, accessibility statement, contact), with their section indexes."""

import datetime

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from pagekit.blocks import INTRO_FEATURES, BodyBlock, EvidenceBlock, searchable_text
from pagekit.filters import field_choices
from pagekit.links import page_url
from pagekit.listing import Badge, ListingMixin
from pagekit.sections import SectionIndexPage

from .base import CategoryListField, category_labels, reading_minutes
from .media import ArticleBodyBlock
from .taxonomy import Topic


def _today():
    return timezone.localdate()


def _iso(day) -> str | None:
    return day.isoformat() if isinstance(day, datetime.date) else None


# --- 科普 -----------------------------------------------------------------------------------


class ArticleIndexPage(SectionIndexPage):
    """科普: the list of science-popularisation articles, filterable by topic."""

    listing_model = "portal.ArticlePage"
    filter_param = "topic"
    filter_label = _("专题")
    filter_field = "topics"

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.ArticlePage"]

    class Meta:
        verbose_name = _("科普栏目")
        verbose_name_plural = _("科普栏目")

    def get_items(self):
        return super().get_items().prefetch_related("topics")


class ArticlePage(ListingMixin, Page):
    """科普文章: a science-popularisation article."""

    date = models.DateField(_("发布日期"), default=_today)
    intro = models.TextField(
        _("导语"), max_length=400, help_text=_("一两句话概括本文，显示在列表和搜索结果中")
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("题图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("正文"))
    author = models.CharField(_("作者/来源"), max_length=120, blank=True)
    reviewer = models.CharField(
        _("审核专家"), max_length=120, blank=True, help_text=_("科学性审核人及其单位")
    )
    topics = ParentalManyToManyField(
        Topic, verbose_name=_("专题"), blank=True, related_name="articles"
    )
    categories = CategoryListField(_("相关产品类别"))

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("author"), FieldPanel("reviewer")]),
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("topics", widget=forms.CheckboxSelectMultiple), FieldPanel("categories")],
            heading=_("分类"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("author"),
        index.RelatedFields("topics", [index.SearchField("name"), index.SearchField("name_en")]),
        index.FilterField("date"),
    ]

    parent_page_types = ["portal.ArticleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("科普文章")
        verbose_name_plural = _("科普文章")

    @cached_property
    def reading_time(self) -> int:
        """Estimated minutes to read the intro and body."""
        return reading_minutes(f"{self.intro}\n{searchable_text(self.body)}")

    @property
    def category_labels(self):
        return category_labels(self.categories)

    @property
    def listing_summary(self):
        return self.intro

    @property
    def badges(self):
        return [Badge(t.label, "topic") for t in self.topics.all()]

    def structured_data(self, request=None):
        from portal.seo import news_article

        data = news_article(self, request, description=self.intro, author=self.author or None)
        data["about"] = [t.name for t in self.topics.all()] or None
        return data


# --- 辟谣 -----------------------------------------------------------------------------------


class Verdict(models.TextChoices):
    FALSE = "false", _("谣言")
    MISLEADING = "misleading", _("误导")
    UNPROVEN = "unproven", _("未证实")
    TRUE = "true", _("属实")


#: schema.org ClaimReview rating per verdict (1 = false … 5 = true).
VERDICT_RATING = {Verdict.FALSE: 1, Verdict.MISLEADING: 2, Verdict.UNPROVEN: 3, Verdict.TRUE: 5}
VERDICT_TONE = {
    Verdict.FALSE: "danger",
    Verdict.MISLEADING: "warning",
    Verdict.UNPROVEN: "neutral",
    Verdict.TRUE: "success",
}


class RumourIndexPage(SectionIndexPage):
    """辟谣: the list of rumour rebuttals, filterable by verdict."""

    listing_model = "portal.RumourRebuttalPage"
    filter_param = "verdict"
    filter_label = _("结论")
    filter_field = "verdict"

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.RumourRebuttalPage"]

    class Meta:
        verbose_name = _("辟谣栏目")
        verbose_name_plural = _("辟谣栏目")

    def filter_choices(self):
        # Every verdict, used or not: the scale itself tells readers what we rule on.
        return field_choices(self.get_items(), self.filter_field, used_only=False)


class RumourRebuttalPage(ListingMixin, Page):
    """辟谣: a claim circulating online, our verdict, the explanation and the evidence."""

    date = models.DateField(_("发布日期"), default=_today)
    claim = models.CharField(_("网传说法"), max_length=300)
    verdict = models.CharField(_("结论"), max_length=16, choices=Verdict.choices)
    summary = models.TextField(_("结论摘要"), max_length=400, help_text=_("一两句话说明真相"))
    explanation = RichTextField(_("解读"), features=INTRO_FEATURES + ["ol", "ul"])
    evidence = StreamField(EvidenceBlock(), verbose_name=_("证据"), blank=True)
    reviewer = models.CharField(_("审核专家"), max_length=120, blank=True)
    categories = CategoryListField(_("相关产品类别"))
    # Where the claim came from, when known (schema.org Claim: author, date, appearance).
    claim_author = models.CharField(
        _("说法发布者"),
        max_length=120,
        blank=True,
        help_text=_("最早发布或主要传播该说法的账号、个人或机构；不清楚就留空"),
    )
    claim_author_type = models.CharField(
        _("发布者类型"),
        max_length=16,
        choices=[("Organization", _("机构或账号")), ("Person", _("个人"))],
        default="Organization",
    )
    claim_date = models.DateField(_("说法出现日期"), null=True, blank=True)
    claim_url = models.URLField(_("说法出处网址"), blank=True, help_text=_("说法出现的网页或帖子"))

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("verdict"), FieldPanel("reviewer")]),
        FieldPanel("claim"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("claim_author"), FieldPanel("claim_author_type")]),
                FieldRowPanel([FieldPanel("claim_date"), FieldPanel("claim_url")]),
            ],
            heading=_("说法出处（已知时填写）"),
            classname="collapsed",
        ),
        FieldPanel("summary"),
        FieldPanel("explanation"),
        FieldPanel("evidence"),
        InlinePanel("sources", heading=_("参考来源"), label=_("来源")),
        FieldPanel("categories"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("claim"),
        index.SearchField("summary"),
        index.SearchField("explanation"),
        index.SearchField("evidence"),
        index.FilterField("verdict"),
        index.FilterField("date"),
    ]

    parent_page_types = ["portal.RumourIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("辟谣")
        verbose_name_plural = _("辟谣")

    @property
    def verdict_tone(self):
        return VERDICT_TONE.get(self.verdict, "neutral")

    @property
    def category_labels(self):
        return category_labels(self.categories)

    @property
    def listing_summary(self):
        return self.summary

    @property
    def badges(self):
        return [Badge(self.get_verdict_display(), self.verdict_tone)]

    def structured_data(self, request=None):
        """schema.org ClaimReview (the fact-check markup search engines read)."""
        from portal.seo import organisation

        return {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": page_url(self, request),
            "datePublished": _iso(self.date),
            "inLanguage": self.locale.language_code,
            "headline": self.title,
            "claimReviewed": self.claim,
            "itemReviewed": self.claim_json_ld(),
            "author": organisation(self, request),
            "reviewBody": self.summary,
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": VERDICT_RATING.get(self.verdict, 3),
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": str(self.get_verdict_display()),
            },
        }

    def claim_json_ld(self) -> dict:
        """The reviewed claim; author, date and appearance only when staff know them."""
        claim = {"@type": "Claim", "name": self.claim}
        if self.claim_author:
            claim["author"] = {"@type": self.claim_author_type, "name": self.claim_author}
        if self.claim_date:
            claim["datePublished"] = _iso(self.claim_date)
        if self.claim_url:
            claim["appearance"] = [{"@type": "CreativeWork", "url": self.claim_url}]
        return claim


class RumourSource(Orderable):
    page = ParentalKey(RumourRebuttalPage, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("标题"), max_length=200)
    publisher = models.CharField(_("发布单位"), max_length=120, blank=True)
    url = models.URLField(_("网址"), blank=True)

    panels = [FieldPanel("title"), FieldPanel("publisher"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("参考来源")
        verbose_name_plural = _("参考来源")

    def __str__(self):
        return self.title


# --- 政策法规 -------------------------------------------------------------------------------


class PolicyStatus(models.TextChoices):
    IN_FORCE = "in_force", _("现行有效")
    AMENDED = "amended", _("已修订")
    REPEALED = "repealed", _("已废止")
    NOT_YET = "not_yet", _("尚未施行")


class PolicyKind(models.TextChoices):
    LAW = "law", _("法律")
    REGULATION = "regulation", _("行政法规")
    RULE = "rule", _("部门规章")
    NORMATIVE = "normative", _("规范性文件")
    LOCAL = "local", _("地方性文件")
    STANDARD = "standard", _("标准")


LEGISLATION_KINDS = (PolicyKind.LAW, PolicyKind.REGULATION, PolicyKind.RULE)


class PolicyIndexPage(SectionIndexPage):
    """政策法规: laws, regulations and normative documents, filterable by kind."""

    listing_model = "portal.PolicyPage"
    filter_param = "kind"
    filter_label = _("类别")
    filter_field = "kind"

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.PolicyPage"]

    class Meta:
        verbose_name = _("政策法规栏目")
        verbose_name_plural = _("政策法规栏目")


class PolicyPage(ListingMixin, Page):
    """政策法规: one law, regulation or document, with its attachments."""

    date = models.DateField(_("发布日期"), default=_today)
    kind = models.CharField(_("类别"), max_length=16, choices=PolicyKind.choices)
    issuer = models.CharField(_("发布机关"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    effective_date = models.DateField(_("施行日期"), null=True, blank=True)
    status = models.CharField(
        _("效力状态"), max_length=16, choices=PolicyStatus.choices, default=PolicyStatus.IN_FORCE
    )
    summary = models.TextField(_("摘要"), max_length=600)
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kind"), FieldPanel("status")]),
                FieldRowPanel([FieldPanel("issuer"), FieldPanel("document_number")]),
                FieldRowPanel([FieldPanel("date"), FieldPanel("effective_date")]),
            ],
            heading=_("文件信息"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("documents", heading=_("附件"), label=_("附件")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("issuer"),
        index.SearchField("document_number"),
        index.FilterField("kind"),
        index.FilterField("status"),
        index.FilterField("date"),
    ]

    parent_page_types = ["portal.PolicyIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("政策法规")
        verbose_name_plural = _("政策法规")

    @property
    def listing_summary(self):
        return self.summary

    @property
    def badges(self):
        tone = "success" if self.status == PolicyStatus.IN_FORCE else "neutral"
        return [Badge(self.get_kind_display(), "topic"), Badge(self.get_status_display(), tone)]

    def structured_data(self, request=None):
        return {
            "@context": "https://schema.org",
            "@type": "Legislation" if self.kind in LEGISLATION_KINDS else "DigitalDocument",
            "name": self.title,
            "url": page_url(self, request),
            "datePublished": _iso(self.date),
            "legislationDate": _iso(self.date),
            "legislationIdentifier": self.document_number or None,
            "legislationPassedBy": {"@type": "GovernmentOrganization", "name": self.issuer},
            "inLanguage": self.locale.language_code,
        }


class PolicyDocument(Orderable):
    page = ParentalKey(PolicyPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("文档"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(
        _("显示名称"), max_length=200, blank=True, help_text=_("留空则使用文档标题")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    @property
    def label(self):
        return self.title or self.document.title


# --- 普通页面 -------------------------------------------------------------------------------


class StandardPage(ListingMixin, Page):
    """A plain page: about the site, accessibility statement, contact, help."""

    intro = models.TextField(_("导语"), blank=True, max_length=400)
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["portal.HomePage", "portal.StandardPage", "portal.DataPage"]
    subpage_types = ["portal.StandardPage"]

    class Meta:
        verbose_name = _("普通页面")
        verbose_name_plural = _("普通页面")

    @property
    def listing_summary(self):
        return self.intro
