"""GET /api/v1/restrictions/changes — the joint-punishment feed (联合惩戒变更), resumable."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from credit.api.errors import error_response
from credit.api.throttles import TokenOrIPRateThrottle
from credit.checks import feed
from credit.checks.auth import ApiTokenAuthentication, HasApiToken
from credit.checks.serializers import ErrorSerializer, FeedPageSerializer


class RestrictionChangesView(APIView):
    """联合惩戒变更订阅 / Restriction changes after a cursor, oldest first."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasApiToken]
    throttle_classes = [TokenOrIPRateThrottle]
    throttle_scope = "feed"

    @extend_schema(
        operation_id="restrictions_changes",
        parameters=[
            OpenApiParameter(
                "since", str, description="cursor from a previous page's `next`; omit to start"
            ),
            OpenApiParameter(
                "limit", int, description=f"1–{feed.MAX_LIMIT}, default {feed.DEFAULT_LIMIT}"
            ),
        ],
        responses={
            200: FeedPageSerializer,
            400: OpenApiResponse(response=ErrorSerializer, description="bad cursor or limit"),
            401: OpenApiResponse(response=ErrorSerializer, description="no or invalid token"),
            429: OpenApiResponse(response=ErrorSerializer, description="rate limited"),
        },
        description=(
            "Changes (imposed / amended / lifted) in the token's scenarios, in id order. "
            "Store `next` and pass it as `since` to resume; `has_more` says whether to "
            "fetch again now."
        ),
    )
    def get(self, request):
        errors = []
        try:
            last_id = feed.decode_cursor(request.query_params.get("since", ""))
        except feed.BadCursor:
            errors.append({"field": "since", "message": "游标无效 / invalid cursor"})
        raw_limit = request.query_params.get("limit", "")
        limit = feed.DEFAULT_LIMIT
        if raw_limit != "":
            if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= feed.MAX_LIMIT:
                errors.append(
                    {
                        "field": "limit",
                        "message": f"应为 1–{feed.MAX_LIMIT} / 1 to {feed.MAX_LIMIT}",
                    }
                )
            else:
                limit = int(raw_limit)
        if errors:
            return error_response(400, "invalid", "请求参数有误 / invalid request", errors)
        results, has_more = feed.changes_after(last_id, request.auth.scenarios, limit)
        next_id = results[-1]["id"] if results else last_id
        return Response(
            {"results": results, "next": feed.encode_cursor(next_id), "has_more": has_more}
        )
