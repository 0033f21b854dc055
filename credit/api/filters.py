import django_filters
from django.db.models import Q

from credit.models import GradeChoices, Producer, ProducerKind, Region

# The search app plugs its Chinese engine in here (credit must not import search):
# a callable (queryset, q) -> queryset. Without it, a plain substring match is used.
producer_query_hook = None


def default_producer_query(queryset, q: str):
    q = q.strip()
    key = q.upper()
    return queryset.filter(Q(name__contains=q) | Q(uscc=key))


class ProducerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="关键词 / keywords")
    region = django_filters.CharFilter(
        method="filter_region", label="行政区划代码（含下级）/ region code, any level"
    )
    kind = django_filters.ChoiceFilter(choices=ProducerKind.choices)
    grade = django_filters.ChoiceFilter(choices=GradeChoices.choices)

    class Meta:
        model = Producer
        fields = ["q", "region", "kind", "grade"]

    def filter_q(self, queryset, name, value):
        if not value.strip():
            return queryset
        return (producer_query_hook or default_producer_query)(queryset, value)

    def filter_region(self, queryset, name, value):
        region = Region.objects.filter(code=value.strip()).first()
        if region is None:
            return queryset.none()
        return queryset.filter(region__code__startswith=region.prefix)
