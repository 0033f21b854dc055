"""The audit trail: a hash chain, so an edited, deleted or reordered event is detectable."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AuditEvent(models.Model):
    at = models.DateTimeField(_("时间"))
    actor = models.CharField(_("操作人"), max_length=150)
    action = models.CharField(_("操作"), max_length=48, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=48)
    object_id = models.CharField(_("对象"), max_length=64)
    producer_id = models.BigIntegerField(_("主体"), null=True, blank=True, db_index=True)
    reason = models.CharField(_("原因"), max_length=500, blank=True)
    data = models.JSONField(_("内容"), default=dict, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")

    def __str__(self):
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def payload(self) -> dict:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": str(self.object_id),
            "producer_id": self.producer_id,
            "reason": self.reason,
            "data": self.data,
        }

    def body(self) -> str:
        """The canonical JSON the hash covers (everything but the chain fields)."""
        return json.dumps(self.payload(), ensure_ascii=False, sort_keys=True, default=str)

    def compute_hash(self, body: str | None = None) -> str:
        body = self.body() if body is None else body
        return hashlib.sha256(f"{self.prev_hash}\n{body}".encode()).hexdigest()


class AuditHead(models.Model):
    """The newest hash and the number of events, so truncating the chain is detectable."""

    last_hash = models.CharField(max_length=64, default=GENESIS)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self):
        return f"{self.count} events, head {self.last_hash[:12]}"
