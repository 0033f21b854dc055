from rest_framework import serializers

from credit.models import Producer


class ProducerListSerializer(serializers.ModelSerializer):
    """Public fields only: never the ID number or the phone number."""

    uscc = serializers.CharField(allow_null=True)
    key = serializers.CharField(read_only=True, help_text="USCC, or the masked ID number")
    region_code = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    score = serializers.DecimalField(
        max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True
    )

    class Meta:
        model = Producer
        fields = [
            "uscc",
            "key",
            "name",
            "kind",
            "region_code",
            "region_name",
            "grade",
            "score",
            "graded_on",
        ]


class SubscoresSerializer(serializers.Serializer):
    certificate = serializers.FloatField(allow_null=True)
    sampling = serializers.FloatField(allow_null=True)
    records = serializers.FloatField(allow_null=True)


class AdjustmentSerializer(serializers.Serializer):
    reason = serializers.CharField(
        help_text="penalty_general, penalty_serious, false_certificate or certification_bonus"
    )
    points = serializers.IntegerField()
    count = serializers.IntegerField()
    label = serializers.CharField()


class RestrictionSerializer(serializers.Serializer):
    scenario = serializers.ChoiceField(
        choices=["exhibition", "brand_selection", "project_application", "honours"]
    )
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)
    basis = serializers.CharField()


class ProducerCreditSerializer(serializers.Serializer):
    """The producer's credit as of a day (DESIGN §9)."""

    uscc = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    region_code = serializers.CharField()
    grade = serializers.ChoiceField(choices=["A", "B", "C", "D", "U"])
    score = serializers.FloatField(allow_null=True)
    as_of = serializers.DateField()
    policy_version = serializers.CharField()
    subscores = SubscoresSerializer()
    adjustments = AdjustmentSerializer(many=True)
    hard_rules = serializers.ListField(child=serializers.CharField())
    restrictions = RestrictionSerializer(many=True)
    blacklisted = serializers.BooleanField()
    explanation = serializers.ListField(child=serializers.CharField())


class AsOfSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])

    def validate_as_of(self, value):
        from django.utils import timezone

        if value > timezone.localdate():
            raise serializers.ValidationError("不能晚于今天 / must not be in the future")
        return value
