"""Region scope and the permission policy of the credit admin."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from wagtail.permission_policies import ModelPermissionPolicy

from credit.models import AuditEvent, OfficerProfile, Producer, Region, ScoringPolicy
from credit.services import scope

SUPERUSER_MODELS = (ScoringPolicy, OfficerProfile)


def scoped_queryset(model, user, qs=None):
    """`model`'s rows the user may see: the one place the admin maps models to scope."""
    qs = model._default_manager.all() if qs is None else qs
    if model in SUPERUSER_MODELS:
        return qs if user.is_superuser else qs.none()
    if model is Producer:
        return scope.producers_for(user, qs)
    if model is Region:
        return scope.regions_for(user, qs)
    if model is AuditEvent:
        prefix = scope.region_prefix(user)
        if prefix is scope.ALL:
            return qs
        return qs.filter(producer_id__in=scope.producers_for(user).values("id"))
    # Facts, grades, restrictions, objections, repair applications: via their producer.
    return scope.facts_for(user, qs)


def in_scope(user, obj) -> bool:
    if isinstance(obj, SUPERUSER_MODELS):
        return user.is_superuser
    if isinstance(obj, Producer):
        return scope.can_access_producer(user, obj)
    if isinstance(obj, Region):
        return scope.can_access_region(user, obj.code)
    if isinstance(obj, AuditEvent):
        if scope.region_prefix(user) is scope.ALL:
            return True
        return (
            obj.producer_id is not None
            and scope.producers_for(user).filter(pk=obj.producer_id).exists()
        )
    producer = getattr(obj, "producer", None)
    return producer is not None and scope.can_access_producer(user, producer)


def ensure_in_scope(user, obj) -> None:
    if not in_scope(user, obj):
        raise PermissionDenied


class CreditPermissionPolicy(ModelPermissionPolicy):
    """Django model permissions, narrowed:

    * nobody without a region (no officer profile, not superuser) has any permission;
    * `actions` lists the Wagtail actions the model allows at all (facts: add and view —
      they are append-only; read-only models: view);
    * `superuser_only` models answer only to superusers;
    * per instance, the object must be in the user's region.
    """

    def __init__(self, model, actions=None, superuser_only=False):
        super().__init__(model)
        self.actions = frozenset(actions) if actions is not None else None
        self.superuser_only = superuser_only

    def _gate(self, user) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if self.superuser_only and not user.is_superuser:
            return False
        return scope.region_prefix(user) != ""

    def user_has_model_permission(self, user, action) -> bool:
        """The raw Django permission (e.g. 'change' = may correct/void or decide), gated
        by region but not by `actions`: for the custom actions of append-only models."""
        return self._gate(user) and super().user_has_permission(user, action)

    def user_has_permission(self, user, action):
        if self.actions is not None and action not in self.actions:
            return False
        return self.user_has_model_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and in_scope(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and in_scope(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return scoped_queryset(self.model, user)

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])
