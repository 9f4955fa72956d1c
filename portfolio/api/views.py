from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.http import JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portfolio import filters
from portfolio.api import serializers
from portfolio.api.authentication import token_expired, token_expires_at
from portfolio.api.pagination import NewestFirstCursorPagination
from portfolio.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from portfolio.models import AuditEvent, DataResource, Domain, InformationSystem, Organization, Plan, Region, User
from portfolio.permissions import is_admin
from portfolio.signin import sign_in


class TokenView(APIView):
    """``POST``: exchange a username and password for an API token (throttled like the sign-in
    page; it lasts API_TOKEN_DAYS and ends with a password change). ``DELETE``: revoke the
    caller's token."""

    permission_classes = [AllowAny]

    def get_authenticators(self):
        # POST authenticates by its body alone; DELETE needs to know whose token to revoke.
        posting = self.request is not None and self.request.method == "POST"  # None: the schema generator
        return [] if posting else super().get_authenticators()

    @extend_schema(request=serializers.TokenRequestSerializer, responses={200: serializers.TokenSerializer})
    def post(self, request):
        credentials = serializers.TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = sign_in(request, credentials.validated_data["username"], credentials.validated_data["password"])
        if user is None:
            raise ValidationError({"non_field_errors": [_("The username or password is incorrect.")]})
        # As a page sign-in does: last_login is set, and the audit trail records it.
        user_logged_in.send(sender=type(user), request=request, user=user)
        with transaction.atomic():
            token, _created = Token.objects.select_for_update().get_or_create(user=user)
            if token_expired(token):
                token.delete()
                token = Token.objects.create(user=user)
        return Response({"token": token.key, "expires_at": token_expires_at(token)}, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocsView(SpectacularSwaggerSplitView):
    """The interactive docs. Its only renderer is a template, which has nothing to show for
    ``OPTIONS``: that answer is the description in JSON, as every other endpoint's."""

    def options(self, request, *args, **kwargs):
        return JsonResponse({"name": "API docs", "renders": ["text/html"]}, headers={"Allow": "GET, HEAD, OPTIONS"})


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=serializers.MeSerializer)
    def get(self, request):
        return Response(serializers.MeSerializer(request.user).data)


class RegionViewSet(ScopedModelViewSet):
    queryset = Region.objects.select_related("parent")
    serializer_class = serializers.RegionSerializer
    filterset_class = filters.RegionFilter
    search_fields = ["name", "code"]
    ordering_fields = ["name", "path", "tier"]


class OrganizationViewSet(ScopedModelViewSet):
    queryset = Organization.objects.select_related("region", "parent")
    serializer_class = serializers.OrganizationSerializer
    filterset_class = filters.OrganizationFilter
    search_fields = ["name", "short_name"]
    ordering_fields = ["name", "path"]


class UserViewSet(ScopedModelViewSet):
    queryset = User.objects.select_related("organization")
    serializer_class = serializers.UserSerializer
    filterset_class = filters.UserFilter
    search_fields = ["username", "name"]
    ordering_fields = ["username", "name"]


class DomainViewSet(ScopedModelViewSet):
    queryset = Domain.objects.all()
    serializer_class = serializers.DomainSerializer
    search_fields = ["name", "code"]
    ordering_fields = ["order", "name"]


class PlanViewSet(ScopedModelViewSet):
    queryset = Plan.objects.select_related("region").prefetch_related("domains", "goals", "scenarios__lead_org")
    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter
    search_fields = ["name", "description"]
    ordering_fields = ["start_year", "name"]


class SystemViewSet(ScopedModelViewSet):
    queryset = InformationSystem.objects.select_related("org", "domain")
    serializer_class = serializers.SystemSerializer
    filterset_class = filters.SystemFilter
    search_fields = ["name", "description", "functions"]
    ordering_fields = ["name", "annual_cost", "users_count"]


class DataResourceViewSet(ScopedModelViewSet):
    queryset = DataResource.objects.select_related("org", "domain")
    serializer_class = serializers.DataResourceSerializer
    filterset_class = filters.DataResourceFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name"]


class IsPortfolioOffice(BasePermission):
    """The audit log is the portfolio office's: others may know it exists, not read it (403)."""

    message = _("Only the portfolio office reads the audit log.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and is_admin(request.user))


class AuditEventViewSet(ScopedReadOnlyViewSet):
    """The audit trail, newest first (cursor pages), filterable by user, kind, object and dates."""

    queryset = AuditEvent.objects.all()
    serializer_class = serializers.AuditEventSerializer
    filterset_class = filters.AuditFilter
    pagination_class = NewestFirstCursorPagination
    permission_classes = [IsPortfolioOffice]
    search_fields = ["object_label", "message", "actor_name"]
    ordering = ["-id"]
    ordering_fields = []  # the cursor keeps its own order (newest first)
