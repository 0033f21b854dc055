"""Typical-case announcements (典型案例): pages that publish one or more enforcement cases.

The cases themselves are credit facts (`credit.EnforcementCase`); a page links to them as
child rows on its 元数据 tab and shows each linked case's decision only while that case
is within its publicity period (DESIGN §5): minor cases never, repaired cases no longer.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList, TabbedInterface
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from credit.models import EnforcementCase
from pagekit.blocks import BodyBlock
from pagekit.choosers import case_chooser, region_chooser
from pagekit.listing import Badge, ListingMixin
from pagekit.producers import public_producer_name
from pagekit.sections import SectionIndexPage
from pagekit.vocabulary import BilingualNameMixin


def _today():
    return timezone.localdate()


class CaseCategory(BilingualNameMixin):
    """案例类别: 禁限用药物, 农兽药残留超标, 私屠滥宰, 注水注药, 农资打假, 合格证违规, 其他.

    A managed vocabulary (a snippet): the initial terms come from a data migration and
    staff may add more, so no code holds the list.
    """

    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("sort_order"),
        FieldPanel("description"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("案例类别")
        verbose_name_plural = _("案例类别")


class TypicalCaseIndexPage(SectionIndexPage):
    """典型案例: the list of typical-case announcements, filterable by category."""

    listing_model = "cases.TypicalCasePage"
    filter_param = "category"
    filter_label = _("案例类别")
    filter_field = "category"

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["cases.TypicalCasePage"]

    class Meta:
        verbose_name = _("典型案例栏目")
        verbose_name_plural = _("典型案例栏目")

    def get_items(self):
        return super().get_items().select_related("category", "region")


class TypicalCasePage(ListingMixin, Page):
    """典型案例: an announcement about one or more enforcement cases."""

    date = models.DateField(_("发布日期"), default=_today)
    category = models.ForeignKey(
        CaseCategory, verbose_name=_("案例类别"), on_delete=models.PROTECT, related_name="pages"
    )
    region = models.ForeignKey(
        "credit.Region",
        verbose_name=_("发生地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.CharField(_("办案单位"), max_length=200, blank=True)
    summary = models.TextField(_("案情摘要"), max_length=600)
    body = StreamField(BodyBlock(), verbose_name=_("正文"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    metadata_panels = [
        FieldRowPanel([FieldPanel("category"), FieldPanel("agency")]),
        FieldPanel("region", widget=region_chooser.widget_class),
        InlinePanel(
            "case_links",
            heading=_("关联行政处罚案件"),
            label=_("案件"),
            help_text=_("案件详情仅在其公示期内公开；轻微案件不公开。"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("内容")),
            ObjectList(metadata_panels, heading=_("元数据")),
            ObjectList(Page.promote_panels, heading=_("推广")),
            ObjectList(Page.settings_panels, heading=_("设置")),
        ]
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("agency"),
        index.RelatedFields("category", [index.SearchField("name")]),
        index.FilterField("category"),
        index.FilterField("date"),
    ]

    parent_page_types = ["cases.TypicalCaseIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")

    @property
    def listing_summary(self):
        return self.summary

    @property
    def badges(self):
        badges = [Badge(self.category.label, "topic")]
        if self.region_id:
            badges.append(Badge(self.region.name, "neutral", content=True))
        return badges

    def public_cases(self, today=None):
        """The linked cases the public may see today, in the editors' order."""
        from credit.models import RepairApplication, RepairStatus
        from credit.publicity import case_published
        from credit.services.grading import policy_for

        today = today or timezone.localdate()
        policy = policy_for(today)
        links = list(self.case_links.select_related("case", "case__producer"))
        if not links:
            return []
        repaired = dict(
            RepairApplication.objects.filter(
                fact_type=ContentType.objects.get_for_model(EnforcementCase),
                fact_id__in=[link.case_id for link in links],
                status=RepairStatus.APPROVED,
            ).values_list("fact_id", "approved_on")
        )
        return [
            link.case
            for link in links
            if case_published(
                link.case.decision_date,
                link.case.severity,
                today,
                policy,
                repaired_on=repaired.get(link.case_id),
                voided=link.case.is_voided,
            )
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["public_cases"] = [
            {"case": case, "party": public_producer_name(case.producer)}
            for case in self.public_cases()
        ]
        return context


class TypicalCaseLink(Orderable):
    """A facet row: the page announces this enforcement case."""

    page = ParentalKey(TypicalCasePage, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey(
        EnforcementCase,
        verbose_name=_("行政处罚案件"),
        on_delete=models.PROTECT,
        related_name="typical_case_links",
    )

    panels = [FieldPanel("case", widget=case_chooser.widget_class)]

    class Meta(Orderable.Meta):
        verbose_name = _("关联案件")
        verbose_name_plural = _("关联案件")

    def __str__(self):
        return str(self.case)
