from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from credit.api.filters import ProducerFilter
from credit.api.serializers import AsOfSerializer, ProducerCreditSerializer, ProducerListSerializer
from credit.models import Producer
from credit.services.credit_view import producer_credit


class ProducerListView(generics.ListAPIView):
    """生产经营主体列表 / Producers, public fields only."""

    serializer_class = ProducerListSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProducerFilter
    queryset = (
        Producer.objects.filter(merged_into__isnull=True).select_related("region").order_by("id")
    )


class ProducerCreditView(APIView):
    """某主体在某日的信用等级及其依据 / A producer's credit as of a day."""

    @extend_schema(
        parameters=[OpenApiParameter("as_of", str, description="YYYY-MM-DD, default today")],
        responses=ProducerCreditSerializer,
    )
    def get(self, request, uscc: str):
        params = AsOfSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        as_of = params.validated_data.get("as_of") or timezone.localdate()
        producer = get_object_or_404(
            Producer.objects.select_related("merged_into"), uscc=uscc.strip().upper()
        )
        # A merged producer's credit is its survivor's (identifiers are never reused).
        while producer.merged_into_id:
            producer = producer.merged_into
        return Response(ProducerCreditSerializer(producer_credit(producer, as_of)).data)
