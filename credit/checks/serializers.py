"""Request and response shapes of the batch-check and feed API (documented in OpenAPI).

Entries are validated by credit.checks.service.validate_entries (fast enough for 20,000
rows; errors name entries[i].field); these serializers describe the shapes.
"""

from rest_framework import serializers

from credit.checks.service import MAX_ENTRIES
from credit.models import Scenario

SCENARIOS = Scenario.values
VERDICTS = ["allowed", "restricted", "not_found", "ambiguous"]
MATCHED_BY = ["uscc", "id_number", "name", "former_name", "fuzzy"]


class CheckEntrySerializer(serializers.Serializer):
    uscc = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=32,
        help_text="统一社会信用代码（校验位须正确），或家庭农场、种养大户的身份证号码",
    )
    name = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=200, help_text="名称"
    )
    region_code = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=6,
        help_text="GB/T 2260 行政区划代码（省、市或县级），名称匹配限于该区划",
    )


class CheckHeadSerializer(serializers.Serializer):
    """Everything but the entries (which validate_entries checks, fast, row by row)."""

    scenario = serializers.ChoiceField(choices=SCENARIOS)
    date = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="核查基准日 YYYY-MM-DD，默认今天，不得晚于今天",
    )
    programme = serializers.IntegerField(
        required=False, allow_null=True, help_text="本机构的展会/评选/项目 id（可选）"
    )

    def validate_date(self, value):
        from django.utils import timezone

        if value > timezone.localdate():
            raise serializers.ValidationError("不能晚于今天 / must not be in the future")
        return value


class CheckRequestSerializer(CheckHeadSerializer):
    entries = CheckEntrySerializer(many=True, min_length=1, max_length=MAX_ENTRIES)


class ProducerBriefSerializer(serializers.Serializer):
    uscc = serializers.CharField(allow_null=True)
    key = serializers.CharField(help_text="USCC, or the masked ID number")
    name = serializers.CharField()
    region_code = serializers.CharField()


class CandidateSerializer(ProducerBriefSerializer):
    score = serializers.FloatField(help_text="0–100")


class CheckRestrictionSerializer(serializers.Serializer):
    scenario = serializers.ChoiceField(choices=SCENARIOS)
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)
    basis = serializers.CharField()


class CheckInputSerializer(serializers.Serializer):
    uscc = serializers.CharField(allow_blank=True)
    name = serializers.CharField(allow_blank=True)
    region_code = serializers.CharField(allow_blank=True)


class CheckResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="position in entries, from 0")
    input = CheckInputSerializer()
    verdict = serializers.ChoiceField(choices=VERDICTS)
    matched_by = serializers.ChoiceField(choices=MATCHED_BY, allow_null=True)
    confidence = serializers.FloatField(help_text="0–1")
    producer = ProducerBriefSerializer(allow_null=True)
    grade = serializers.ChoiceField(choices=["A", "B", "C", "D", "U"], allow_null=True)
    blacklisted = serializers.BooleanField(allow_null=True)
    restrictions = CheckRestrictionSerializer(
        many=True, help_text="restrictions in force for the scenario on the date"
    )
    candidates = CandidateSerializer(many=True, help_text="up to 3, best first")


class MatchedBySerializer(serializers.Serializer):
    uscc = serializers.IntegerField()
    id_number = serializers.IntegerField()
    name = serializers.IntegerField()
    former_name = serializers.IntegerField()
    fuzzy = serializers.IntegerField()


class CheckSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    allowed = serializers.IntegerField()
    restricted = serializers.IntegerField()
    not_found = serializers.IntegerField()
    ambiguous = serializers.IntegerField()
    matched_by = MatchedBySerializer()


class ReportUrlsSerializer(serializers.Serializer):
    pdf = serializers.URLField()
    xlsx = serializers.URLField()
    csv = serializers.URLField()


class CheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    verification_code = serializers.CharField()
    organisation = serializers.CharField()
    programme = serializers.CharField(allow_null=True)
    scenario = serializers.ChoiceField(choices=SCENARIOS)
    date = serializers.DateField()
    created = serializers.DateTimeField()
    content_sha256 = serializers.CharField(
        help_text="SHA-256 of the canonical JSON of the report (GET verify_url + 'content.json')"
    )
    verify_url = serializers.URLField()
    summary = CheckSummarySerializer()
    reports = ReportUrlsSerializer()
    results = CheckResultSerializer(many=True)


class FeedProducerSerializer(serializers.Serializer):
    uscc = serializers.CharField(allow_null=True)
    key = serializers.CharField()
    name = serializers.CharField()


class FeedChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    change = serializers.ChoiceField(choices=["imposed", "lifted", "amended"])
    at = serializers.DateTimeField()
    producer = FeedProducerSerializer()
    scenario = serializers.ChoiceField(choices=SCENARIOS)
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)
    basis = serializers.CharField()


class FeedPageSerializer(serializers.Serializer):
    results = FeedChangeSerializer(many=True)
    next = serializers.CharField(help_text="pass as ?since= to resume after the last change")
    has_more = serializers.BooleanField()


class ErrorFieldSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="e.g. entries[12].uscc")
    message = serializers.CharField()


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = ErrorFieldSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    """The one JSON error shape of the API (credit.api.errors)."""

    error = ErrorDetailSerializer()
