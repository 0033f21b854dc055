"""Organisations that check producers (exhibition organisers, brand-selection and
project-application reviewers), their API tokens and their webhook subscriptions.

API tokens: ``nat_<prefix>_<secret>``. Only the prefix (for lookup) and the SHA-256 of the
whole token are stored; the token itself is shown once, when issued. Each token is scoped
to one or more scenarios (credit.models.Scenario) and can be revoked.
"""

import hashlib
import hmac
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .grades import Scenario

TOKEN_PREFIX = "nat_"
_PREFIX_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class OrganisationKind(models.TextChoices):
    EXHIBITION = "exhibition", _("展会主办方")
    BRAND_SELECTION = "brand_selection", _("品牌评选机构")
    PROJECT_APPLICATION = "project_application", _("项目申报审核机构")
    HONOURS = "honours", _("评优评先机构")
    OTHER = "other", _("其他")


class Organisation(models.Model):
    """展会主办方、品牌评选和项目申报审核机构: who runs batch checks and reads the feed."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(
        _("类型"), max_length=24, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="credit_organisations",
        verbose_name=_("用户"),
    )
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("核查机构")
        verbose_name_plural = _("核查机构")

    def __str__(self):
        return self.name


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _random_prefix(n: int = 8) -> str:
    return "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(n))


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, organisation__active=True)


class ApiToken(models.Model):
    """An organisation's API token. Hashed at rest, shown once, revocable, scenario-scoped."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("机构")
    )
    label = models.CharField(_("用途"), max_length=100, blank=True)
    prefix = models.CharField(_("前缀"), max_length=16, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    scenarios = models.JSONField(_("适用场景"), default=list)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self):
        return f"{self.organisation} {TOKEN_PREFIX}{self.prefix}…"

    @classmethod
    def issue(cls, organisation, scenarios, label: str = "") -> tuple["ApiToken", str]:
        """Create a token; returns (row, raw token). The raw token is never stored."""
        scenarios = sorted(set(scenarios))
        bad = [s for s in scenarios if s not in Scenario.values]
        if not scenarios or bad:
            raise ValueError(f"scenarios must be among {Scenario.values}: {bad or scenarios}")
        while True:
            prefix = _random_prefix()
            if not cls.objects.filter(prefix=prefix).exists():
                break
        raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        row = cls.objects.create(
            organisation=organisation,
            label=label,
            prefix=prefix,
            token_hash=hash_token(raw),
            scenarios=scenarios,
        )
        return row, raw

    @classmethod
    def authenticate(cls, raw: str) -> "ApiToken | None":
        """The active token for this raw value, or None (constant-time hash comparison)."""
        raw = (raw or "").strip()
        if not raw.startswith(TOKEN_PREFIX):
            return None
        prefix = raw[len(TOKEN_PREFIX) :].split("_", 1)[0]
        row = cls.objects.active().select_related("organisation").filter(prefix=prefix).first()
        if row is None or not hmac.compare_digest(row.token_hash, hash_token(raw)):
            return None
        return row

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scenario: str) -> bool:
        return scenario in (self.scenarios or [])

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def touch(self) -> None:
        """Record use, at most once a minute (a write per request would serialise SQLite)."""
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() > 60:
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class WebhookSubscription(models.Model):
    """A receiver of the joint-punishment feed: each new change in its scenarios is POSTed."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("机构")
    )
    url = models.URLField(_("接收地址"), max_length=500)
    secret = models.CharField(
        _("签名密钥"),
        max_length=128,
        default=secrets.token_hex,
        help_text=_("用于 X-Signature: sha256=HMAC-SHA256(请求体, 密钥)"),
    )
    scenarios = models.JSONField(_("适用场景"), default=list)
    active = models.BooleanField(_("启用"), default=True)
    since_change_id = models.BigIntegerField(
        _("起始变更号"),
        default=0,
        help_text=_("只推送编号大于此值的惩戒变更；新订阅默认从订阅时起"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["organisation", "id"]
        verbose_name = _("Webhook 订阅")
        verbose_name_plural = _("Webhook 订阅")

    def __str__(self):
        return f"{self.organisation} → {self.url}"

    def save(self, *args, **kwargs):
        if self._state.adding and not self.since_change_id:
            from .grades import RestrictionChange

            last = RestrictionChange.objects.order_by("-id").values_list("id", flat=True).first()
            self.since_change_id = last or 0
        super().save(*args, **kwargs)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    RETRYING = "retrying", _("重试中")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("失败")


class WebhookDelivery(models.Model):
    """One feed change for one subscription; at-least-once, same Idempotency-Key on retries."""

    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("订阅"),
    )
    change = models.ForeignKey(
        "credit.RestrictionChange",
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("惩戒变更"),
    )
    payload = models.JSONField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_status_code = models.PositiveIntegerField(_("最近响应码"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("最近尝试"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("Webhook 投递")
        verbose_name_plural = _("Webhook 投递")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "change"], name="webhook_delivery_once_per_change"
            )
        ]

    def __str__(self):
        return f"{self.subscription.url} #{self.change_id} ({self.status})"

    @property
    def idempotency_key(self) -> str:
        """Stable across retries and across re-dispatch: one key per (subscription, change)."""
        return f"restriction-change-{self.change_id}-subscription-{self.subscription_id}"


class FeedCursor(models.Model):
    """How far a background consumer of RestrictionChange has got (e.g. webhook dispatch)."""

    name = models.CharField(max_length=64, unique=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("变更游标")
        verbose_name_plural = _("变更游标")

    def __str__(self):
        return f"{self.name} @ {self.last_id}"
