"""Uploaded videos for science articles (科普视频).

Served from MEDIA like images, played by the browser's own <video> element: no third-party
player, embed or CDN. WCAG 1.2 asks prerecorded video for captions or a text alternative,
so a video needs WebVTT captions or a transcript before it can be saved.
"""

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.search import index
from wagtail.snippets.blocks import SnippetChooserBlock

from pagekit.blocks import BodyBlock

VIDEO_EXTENSIONS = ["mp4", "webm"]
VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}


class Video(index.Indexed, models.Model):
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(
        _("视频文件"),
        upload_to="videos/",
        validators=[FileExtensionValidator(VIDEO_EXTENSIONS)],
        help_text=_("MP4（H.264）或 WebM，建议不超过 100 MB"),
    )
    poster = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    captions = models.FileField(
        _("字幕（WebVTT）"),
        upload_to="videos/captions/",
        blank=True,
        validators=[FileExtensionValidator(["vtt"])],
    )
    captions_language = models.CharField(
        _("字幕语言"),
        max_length=16,
        default="zh-Hans",
        choices=[("zh-Hans", _("中文")), ("en", _("英文"))],
    )
    transcript = models.TextField(
        _("文字稿"), blank=True, help_text=_("视频内容的文字版本，供无法观看或收听的读者使用")
    )
    duration = models.PositiveIntegerField(_("时长（秒）"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("file"),
        FieldPanel("poster"),
        FieldPanel("captions"),
        FieldPanel("captions_language"),
        FieldPanel("transcript"),
        FieldPanel("duration"),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("视频")
        verbose_name_plural = _("视频")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if not self.captions and not self.transcript.strip():
            raise ValidationError(_("请上传字幕或填写文字稿：听障读者需要其中之一。"))

    @property
    def mime_type(self) -> str:
        return VIDEO_TYPES.get(self.file.name.rsplit(".", 1)[-1].lower(), "video/mp4")


class VideoBlock(blocks.StructBlock):
    """A video in an article body, with its caption (the video's title when empty)."""

    video = SnippetChooserBlock("portal.Video", label=_("视频"))
    caption = blocks.CharBlock(label=_("说明"), required=False, max_length=250)

    class Meta:
        icon = "media"
        label = _("视频")
        template = "portal/blocks/video.html"


class ArticleBodyBlock(BodyBlock):
    """An article's body: the shared prose blocks and uploaded videos."""

    video = VideoBlock()
