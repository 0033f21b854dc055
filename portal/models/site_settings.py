"""Per-site settings the public chrome needs (footer: organiser, filing number, contact)."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    organiser = models.CharField(
        _("主办单位"), max_length=120, blank=True, help_text=_("如：某某省农业农村厅")
    )
    organiser_en = models.CharField(_("主办单位（英文）"), max_length=200, blank=True)
    icp_number = models.CharField(
        _("ICP备案号"), max_length=60, blank=True, help_text=_("如：某ICP备00000000号")
    )
    public_security_number = models.CharField(_("公安机关备案号"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    contact_address = models.CharField(_("通信地址"), max_length=200, blank=True)
    contact_address_en = models.CharField(_("通信地址（英文）"), max_length=300, blank=True)
    complaint_hotline = models.CharField(
        _("投诉举报电话"), max_length=40, blank=True, help_text=_("如：12316")
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("无障碍声明页面"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("联系我们页面"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("organiser"),
                FieldPanel("organiser_en"),
                FieldPanel("icp_number"),
                FieldPanel("public_security_number"),
            ],
            heading=_("主办与备案"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("contact_phone"),
                FieldPanel("complaint_hotline"),
                FieldPanel("contact_email"),
                FieldPanel("contact_address"),
                FieldPanel("contact_address_en"),
            ],
            heading=_("联系方式"),
        ),
        MultiFieldPanel(
            [FieldPanel("accessibility_page"), FieldPanel("contact_page")],
            heading=_("页脚链接"),
        ),
    ]

    class Meta:
        verbose_name = _("门户设置")

    @property
    def organiser_label(self) -> str:
        if (get_language() or "").startswith("en") and self.organiser_en:
            return self.organiser_en
        return self.organiser

    @property
    def contact_address_label(self) -> str:
        if (get_language() or "").startswith("en") and self.contact_address_en:
            return self.contact_address_en
        return self.contact_address
