from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficerProfile(models.Model):
    """A credit officer's region: they see and change that region and everything below."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="officer",
        verbose_name=_("用户"),
    )
    region = models.ForeignKey(
        "credit.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("管辖区域")
    )

    class Meta:
        verbose_name = _("信用管理人员")
        verbose_name_plural = _("信用管理人员")

    def __str__(self):
        return f"{self.user} · {self.region}"
