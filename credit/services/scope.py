"""Who may see and change what: officers work in their region and everything below it.

The one home of the region rule; the admin, exports, imports and the API all ask here.
Superusers see everything; staff without an officer region see no producers at all.
"""

from django.db.models import Q, QuerySet

from credit.models import Producer, Region

ALL = None  # prefix meaning "no restriction"


def region_prefix(user) -> str | None:
    """None for all regions; '' denies everything; else a GB/T 2260 code prefix."""
    if user is None or not user.is_authenticated:
        return ""
    if user.is_superuser:
        return ALL
    officer = getattr(user, "officer", None)
    if officer is None:
        return ""
    return officer.region.prefix


def user_region(user) -> Region | None:
    officer = getattr(user, "officer", None) if user and user.is_authenticated else None
    return officer.region if officer else None


def _filter(qs: QuerySet, user, field: str) -> QuerySet:
    prefix = region_prefix(user)
    if prefix is ALL:
        return qs
    if prefix == "":
        return qs.none()
    return qs.filter(**{f"{field}__startswith": prefix})


def producers_for(user, qs: QuerySet | None = None) -> QuerySet:
    return _filter(Producer.objects.all() if qs is None else qs, user, "region__code")


def facts_for(user, qs: QuerySet) -> QuerySet:
    """Any model with a `producer` FK: inspections, samplings, grades, restrictions…"""
    return _filter(qs, user, "producer__region__code")


def regions_for(user, qs: QuerySet | None = None) -> QuerySet:
    return _filter(Region.objects.all() if qs is None else qs, user, "code")


def can_access_region(user, region_code: str) -> bool:
    prefix = region_prefix(user)
    return prefix is ALL or (bool(prefix) and region_code.startswith(prefix))


def can_access_producer(user, producer) -> bool:
    return can_access_region(user, producer.region_id)


def q_for_producer_keys(user) -> Q:
    prefix = region_prefix(user)
    if prefix is ALL:
        return Q()
    return Q(region__code__startswith=prefix) if prefix else Q(pk__in=[])
