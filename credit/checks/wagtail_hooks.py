"""Admin (信用核查) for organisations, API tokens, programmes, issued checks and webhooks.

Wagtail only loads <app>/wagtail_hooks.py, so credit/wagtail_hooks.py imports this module.
"""

from django import forms
from django.forms.models import modelform_factory
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy

from credit.models import (
    ApiToken,
    BatchCheck,
    Organisation,
    Programme,
    Scenario,
    WebhookDelivery,
    WebhookSubscription,
)


class ReadOnlyViewSet(ModelViewSet):
    """Listing and inspect only: no add, edit, copy or delete."""

    copy_view_enabled = False
    inspect_view_enabled = True

    @property
    def permission_policy(self):
        return ReadOnlyPolicy(self.model)

    def get_form_class(self, for_update=False):
        return modelform_factory(self.model, form=WagtailAdminModelForm, fields=[])


class ReadOnlyPolicy(ModelPermissionPolicy):
    """View only: these rows are written by the system and never edited by hand."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)


class ScenariosField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Scenario.choices, widget=forms.CheckboxSelectMultiple, **kwargs)


class OrganisationViewSet(ModelViewSet):
    name = "credit_organisation"
    model = Organisation
    icon = "group"
    menu_label = "核查机构"
    form_fields = ["name", "kind", "contact", "users", "active"]
    list_display = ["name", "kind", "contact", "active", "created_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    copy_view_enabled = False


class ProgrammeViewSet(ModelViewSet):
    name = "credit_programme"
    model = Programme
    icon = "date"
    menu_label = "展会/评选/项目"
    form_fields = ["organisation", "kind", "name", "start_date", "end_date", "location"]
    list_display = ["name", "organisation", "kind", "start_date", "end_date"]
    list_filter = ["kind"]
    search_fields = ["name"]


class ApiTokenForm(WagtailAdminModelForm):
    """Tokens are issued by `manage.py issue_api_token` (shown once); here: label, revoke."""

    revoke = forms.BooleanField(label="吊销此令牌", required=False)

    class Meta:
        model = ApiToken
        fields = ["label"]

    def save(self, commit=True):
        token = super().save(commit=False)
        if self.cleaned_data.get("revoke") and token.revoked_at is None:
            token.revoked_at = timezone.now()
        if commit:
            token.save()
        return token


class ApiTokenPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)


class ApiTokenViewSet(ModelViewSet):
    name = "credit_apitoken"
    model = ApiToken
    icon = "key"
    menu_label = "API 令牌"
    list_display = ["__str__", "label", "scenarios", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["prefix", "label"]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields_exclude = ["token_hash"]

    @property
    def permission_policy(self):
        return ApiTokenPolicy(self.model)

    def get_form_class(self, for_update=False):
        return ApiTokenForm


class WebhookSubscriptionForm(WagtailAdminModelForm):
    url = forms.URLField(label="接收地址", max_length=500, assume_scheme="https")
    scenarios = ScenariosField(label="适用场景")

    class Meta:
        model = WebhookSubscription
        fields = ["organisation", "url", "secret", "scenarios", "active"]


class WebhookSubscriptionViewSet(ModelViewSet):
    name = "credit_webhooksubscription"
    model = WebhookSubscription
    icon = "link-external"
    menu_label = "Webhook 订阅"
    list_display = ["url", "organisation", "scenarios", "active", "since_change_id", "created_at"]
    list_filter = ["active"]
    search_fields = ["url"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return WebhookSubscriptionForm


class WebhookDeliveryViewSet(ReadOnlyViewSet):
    name = "credit_webhookdelivery"
    model = WebhookDelivery
    icon = "mail"
    menu_label = "Webhook 投递"
    list_display = [
        "__str__",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "created_at",
        "last_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status"]
    search_fields = ["last_error"]
    ordering = ["-id"]


class BatchCheckViewSet(ReadOnlyViewSet):
    name = "credit_batchcheck"
    model = BatchCheck
    icon = "clipboard-list"
    menu_label = "批量核查记录"
    list_display = [
        "verification_code",
        "organisation",
        "scenario",
        "date",
        "entry_count",
        "source",
        "created",
    ]
    list_filter = ["scenario", "source"]
    search_fields = ["verification_code"]
    inspect_view_fields = [
        "verification_code",
        "organisation",
        "programme",
        "scenario",
        "date",
        "created",
        "source",
        "created_by",
        "token",
        "entry_count",
        "summary",
        "content_sha256",
    ]


class ChecksAdminGroup(ModelViewSetGroup):
    menu_label = "信用核查"
    menu_icon = "tasks"
    menu_name = "credit-checks"
    menu_order = 160
    items = (
        OrganisationViewSet,
        ApiTokenViewSet,
        ProgrammeViewSet,
        BatchCheckViewSet,
        WebhookSubscriptionViewSet,
        WebhookDeliveryViewSet,
    )


@hooks.register("register_admin_viewset")
def register_checks_admin():
    return ChecksAdminGroup()
