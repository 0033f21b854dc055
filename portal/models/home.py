"""The home page: hero and search, quick entries, featured pages, latest items per section."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.models import Locale, Orderable, Page
from wagtail.search import index

from pagekit.links import page_url, rebase
from pagekit.listing import ListingMixin
from pagekit.sections import SectionIndexPage
from portal.stats import public_figures

from .data import DataKind, DataPage

#: Section index types a home-page section row may point at.
SECTION_INDEX_TYPES = [
    "portal.ArticleIndexPage",
    "portal.RumourIndexPage",
    "portal.NoticeIndexPage",
    "portal.PolicyIndexPage",
    "cases.TypicalCaseIndexPage",
]

#: The quick entries under the search box, in order: (key, label, DataPage kind or None).
QUICK_ENTRIES = [
    ("blacklist", _("黑名单查询"), DataKind.BLACKLIST),
    ("credit", _("信用查询"), DataKind.CREDIT),
    ("certificate", _("合格证查验"), None),
    ("complaint", _("投诉举报"), DataKind.COMPLAINT),
]
CERTIFICATE_CHECK_URL = "/verify-certificate/"


class HomePage(ListingMixin, Page):
    hero_title = models.CharField(_("主标题"), max_length=80)
    hero_text = models.TextField(_("引导语"), max_length=300, blank=True)
    search_placeholder = models.CharField(
        _("搜索框提示"),
        max_length=80,
        blank=True,
        help_text=_("如：输入企业名称、统一社会信用代码或产品名称"),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("hero_title"), FieldPanel("hero_text"), FieldPanel("search_placeholder")],
            heading=_("首屏"),
        ),
        InlinePanel("featured", heading=_("推荐内容"), label=_("推荐"), max_num=6),
        InlinePanel("sections", heading=_("栏目动态"), label=_("栏目"), max_num=6),
    ]
    search_fields = [*Page.search_fields, index.SearchField("hero_text")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "portal.ArticleIndexPage",
        "portal.RumourIndexPage",
        "portal.NoticeIndexPage",
        "portal.PolicyIndexPage",
        "cases.TypicalCaseIndexPage",
        "portal.DataPage",
        "portal.QualityCountyIndexPage",
        "portal.StandardPage",
    ]

    class Meta:
        verbose_name = _("首页")
        verbose_name_plural = _("首页")

    def quick_entries(self):
        data_pages = {p.kind: p for p in DataPage.objects.child_of(self).live().order_by("path")}
        entries = []
        for key, label, kind in QUICK_ENTRIES:
            if kind is None:
                url = CERTIFICATE_CHECK_URL
            elif kind in data_pages:
                url = data_pages[kind].url
            else:
                continue
            entries.append({"key": key, "label": label, "url": url})
        return entries

    def section_blocks(self):
        """The newest items of each chosen section, in the active language.

        A section not yet translated (or with no translated items) shows the items of its
        default-language version instead, marked with their language, so English readers
        still see what is new.
        """
        blocks = []
        for row in self.sections.select_related("index_page"):
            if row.index_page is None:
                continue
            candidates = [row.index_page.localized, row.index_page]
            default = row.index_page.get_translation_or_none(Locale.get_default())
            if default is not None:
                candidates.append(default)
            first, chosen, items = None, None, []
            for candidate in candidates:
                candidate = candidate.specific
                if not candidate.live or not isinstance(candidate, SectionIndexPage):
                    continue
                first = first or candidate
                items = candidate.latest(row.count)
                if items:
                    chosen = candidate
                    break
            if first is None:
                continue
            chosen = chosen or first
            blocks.append(
                {
                    "page": chosen,
                    "title": row.heading or first.title,
                    "items": items,
                    "lang": chosen.locale.language_code,
                }
            )
        return blocks

    def featured_items(self):
        items = []
        for row in self.featured.select_related("page"):
            if row.page is None:
                continue
            page = row.page.localized.specific
            if not page.live:
                continue
            translated = page.pk != row.page.pk
            items.append(
                {
                    "page": page,
                    "title": page.title if translated else (row.title or page.title),
                    "summary": (
                        getattr(page, "listing_summary", "")
                        if translated
                        else row.summary or getattr(page, "listing_summary", "")
                    ),
                    "lang": page.locale.language_code,
                }
            )
        return items

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            quick_entries=self.quick_entries(),
            featured_items=self.featured_items(),
            section_blocks=self.section_blocks(),
            figures=public_figures(timezone.localdate()),
        )
        return context

    def structured_data(self, request=None):
        site = self.get_site()
        root = rebase(site.root_url, request) if site else ""
        return {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": self.title,
            "url": page_url(self, request),
            "inLanguage": self.locale.language_code,
            "potentialAction": {
                "@type": "SearchAction",
                "target": root + "/search/?q={q}",
                "query-input": "required name=q",
            },
        }


class HomePageFeatured(Orderable):
    """推荐内容: a page picked by the editors, with an optional shorter title."""

    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured")
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("页面"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(
        _("显示标题"), max_length=80, blank=True, help_text=_("留空则用页面标题")
    )
    summary = models.CharField(_("摘要"), max_length=160, blank=True)

    panels = [PageChooserPanel("page"), FieldPanel("title"), FieldPanel("summary")]

    class Meta(Orderable.Meta):
        verbose_name = _("推荐内容")
        verbose_name_plural = _("推荐内容")


class HomePageSection(Orderable):
    """栏目动态: show the newest `count` items of a section index."""

    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="sections")
    index_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("栏目"), on_delete=models.CASCADE, related_name="+"
    )
    heading = models.CharField(
        _("显示名称"), max_length=40, blank=True, help_text=_("留空则用栏目标题")
    )
    count = models.PositiveSmallIntegerField(_("条数"), default=5)

    panels = [
        PageChooserPanel("index_page", SECTION_INDEX_TYPES),
        FieldPanel("heading"),
        FieldPanel("count"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("栏目动态")
        verbose_name_plural = _("栏目动态")
