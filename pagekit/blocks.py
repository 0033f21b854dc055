"""StreamField blocks for the site's prose (articles, rebuttals, cases, policies).

Every block renders through its own template under templates/portal/blocks/ (the
templates keep their portal path: the paragraph's is written into migrations), so the
markup is accessible (real headings, <figure>/<figcaption>, <table> with <caption> and
<th scope>) and the same in every page type. Structured data (dates, regions, verdicts)
lives in model fields, never in blocks.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

#: Rich text features for a page's intro or a section's description (no lists).
INTRO_FEATURES = ["bold", "italic", "link", "document-link"]

# Rich text features for body paragraphs: no headings (the heading block gives them a real
# level) and no embeds (external embeds would load third-party content).
PARAGRAPH_FEATURES = [
    "bold",
    "italic",
    "ol",
    "ul",
    "link",
    "document-link",
    "superscript",
    "subscript",
]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("标题文字"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("级别"),
        choices=[("h2", _("二级标题")), ("h3", _("三级标题"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("小标题")
        template = "portal/blocks/heading.html"


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("图片"))
    caption = blocks.CharBlock(label=_("图注"), required=False, max_length=250)
    credit = blocks.CharBlock(label=_("来源/作者"), required=False, max_length=120)

    class Meta:
        icon = "image"
        label = _("图片")
        template = "portal/blocks/figure.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("引文"))
    attribution = blocks.CharBlock(label=_("出处"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("引用")
        template = "portal/blocks/quote.html"


class DataTableBlock(blocks.StructBlock):
    """A typed table: a caption, column headings, and rows of text cells.

    Kept deliberately simple (no merged cells) so it renders as an accessible table and
    translates cell by cell in wagtail-localize.
    """

    caption = blocks.CharBlock(label=_("表题"), max_length=200)
    columns = blocks.ListBlock(
        blocks.CharBlock(label=_("列名"), max_length=80), label=_("列名"), min_num=1
    )
    rows = blocks.ListBlock(
        blocks.ListBlock(
            blocks.CharBlock(label=_("单元格"), required=False, max_length=300), label=_("行")
        ),
        label=_("数据行"),
    )
    note = blocks.CharBlock(label=_("表注"), required=False, max_length=300)

    class Meta:
        icon = "table"
        label = _("表格")
        template = "portal/blocks/table.html"

    def clean(self, value):
        value = super().clean(value)
        width = len(value["columns"])
        for number, row in enumerate(value["rows"], start=1):
            if len(row) > width:
                raise ValidationError(
                    _("第 %(row)d 行有 %(cells)d 个单元格，多于列数 %(width)d。")
                    % {"row": number, "cells": len(row), "width": width}
                )
        return value


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("文档"))
    title = blocks.CharBlock(
        label=_("显示名称"), required=False, max_length=200, help_text=_("留空则使用文档标题")
    )

    class Meta:
        icon = "doc-full"
        label = _("文档下载")
        template = "portal/blocks/document.html"


class CalloutBlock(blocks.StructBlock):
    """A boxed tip or warning, e.g. 「购买提示」 in a science article."""

    kind = blocks.ChoiceBlock(
        label=_("类型"),
        choices=[("tip", _("提示")), ("warning", _("注意"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("标题"), required=False, max_length=80)
    text = blocks.RichTextBlock(label=_("内容"), features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "help"
        label = _("提示框")
        template = "portal/blocks/callout.html"


class BodyBlock(blocks.StreamBlock):
    """The prose body shared by every content page."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("段落"), features=PARAGRAPH_FEATURES, template="portal/blocks/paragraph.html"
    )
    image = FigureBlock()
    quote = QuoteBlock()
    table = DataTableBlock()
    callout = CalloutBlock()
    document = DocumentLinkBlock()


class EvidenceItemBlock(blocks.StructBlock):
    point = blocks.CharBlock(label=_("要点"), max_length=200)
    detail = blocks.RichTextBlock(label=_("说明"), features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "tick"
        label = _("证据")
        template = "portal/blocks/evidence.html"


class EvidenceBlock(blocks.StreamBlock):
    """A rebuttal's evidence: numbered points, optionally with a table, image or quote."""

    evidence = EvidenceItemBlock()
    table = DataTableBlock()
    image = FigureBlock()
    quote = QuoteBlock()


class LinkBlock(blocks.StructBlock):
    """A link to a page of this site or to an external address."""

    title = blocks.CharBlock(label=_("链接文字"), max_length=120)
    page = blocks.PageChooserBlock(label=_("站内页面"), required=False)
    url = blocks.CharBlock(
        label=_("网址"),
        required=False,
        max_length=300,
        help_text=_("站外网址或站内路径（如 /verify-certificate/）；选择了站内页面时忽略"),
    )
    description = blocks.CharBlock(label=_("说明"), required=False, max_length=200)

    class Meta:
        icon = "link"
        label = _("链接")
        template = "portal/blocks/link.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(_("请选择站内页面或填写网址。"))}
            )
        return value


def searchable_text(stream_value) -> str:
    """All the text of a StreamField value, tags stripped (for reading time and summaries)."""
    if not stream_value:
        return ""
    return "\n".join(
        str(part) for part in stream_value.stream_block.get_searchable_content(stream_value)
    )
