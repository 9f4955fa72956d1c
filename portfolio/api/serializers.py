import copy

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portfolio.models import (
    AuditEvent,
    DataResource,
    Domain,
    InformationSystem,
    Organization,
    Plan,
    PlanGoal,
    Region,
    Scenario,
    User,
)
from portfolio.visibility import visible


class VisiblePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id the caller may see; any other is "does not exist", like an id never used.

    The browsable API's drop-downs list the same rows. Without a request in the context nothing
    of an organization's rows is accepted (fail closed).
    """

    def get_queryset(self):
        request = self.context.get("request")
        return visible(super().get_queryset(), getattr(request, "user", None))


class VisibleModelSerializer(serializers.ModelSerializer):
    """The base of every ModelSerializer: its related fields are ``VisiblePrimaryKeyRelatedField``."""

    serializer_related_field = VisiblePrimaryKeyRelatedField


class CleanModelSerializer(VisibleModelSerializer):
    """Runs the model's ``clean()`` on the would-be instance, so a rule written once on the model
    holds for the API as it does for forms and the admin."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        to_many = {field.name for field in model._meta.many_to_many}
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name not in to_many:
                setattr(instance, name, value)
        try:
            instance.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None
        return attrs


class RegionSerializer(CleanModelSerializer):
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None)

    class Meta:
        model = Region
        fields = ["id", "name", "code", "level", "tier", "parent", "parent_name", "depth"]
        read_only_fields = ["depth"]


class OrganizationSerializer(CleanModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "short_name",
            "aliases",
            "kind",
            "region",
            "region_name",
            "parent",
            "parent_name",
            "is_active",
            "depth",
        ]
        read_only_fields = ["depth"]


class UserSerializer(CleanModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, default=None)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    password = serializers.CharField(
        write_only=True, required=False, style={"input_type": "password"}, trim_whitespace=False
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "name",
            "email",
            "organization",
            "organization_name",
            "role",
            "role_label",
            "is_leader",
            "is_active",
            "password",
        ]
        extra_kwargs = {"organization": {"required": True, "allow_null": False}, "role": {"required": True}}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        password = attrs.get("password")
        if self.instance is None and not password:
            raise serializers.ValidationError({"password": [_("A new account needs a password.")]})
        if password:
            candidate = copy.copy(self.instance) if self.instance else User()
            for name, value in attrs.items():
                if name != "password":
                    setattr(candidate, name, value)
            try:
                validate_password(password, candidate)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"password": list(error.messages)}) from None
        return attrs

    def create(self, validated_data):
        password = validated_data.pop("password")
        user = User(**validated_data)
        user.set_password(password)
        user.save()
        return user

    def update(self, instance, validated_data):
        password = validated_data.pop("password", None)
        instance = super().update(instance, validated_data)
        if password:
            instance.set_password(password)
            instance.save(update_fields=["password"])
        return instance


class MeSerializer(VisibleModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, default=None)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "organization", "organization_name", "role", "role_label"]
        read_only_fields = fields


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True, help_text="After this the token answers 401.")


class DomainSerializer(VisibleModelSerializer):
    class Meta:
        model = Domain
        fields = ["id", "code", "name", "short_name", "description", "order"]


class PlanGoalSerializer(VisibleModelSerializer):
    class Meta:
        model = PlanGoal
        fields = ["id", "domain", "title", "target", "order"]


class ScenarioSerializer(VisibleModelSerializer):
    lead_org_name = serializers.CharField(source="lead_org.name", read_only=True, default=None)

    class Meta:
        model = Scenario
        fields = ["id", "domain", "title", "description", "lead_org", "lead_org_name"]


class PlanSerializer(CleanModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    goals = PlanGoalSerializer(many=True, read_only=True)
    scenarios = ScenarioSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "region",
            "region_name",
            "name",
            "start_year",
            "end_year",
            "description",
            "domains",
            "goals",
            "scenarios",
            "created_at",
        ]


class SystemSerializer(CleanModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    domain_name = serializers.CharField(source="domain.name", read_only=True)

    class Meta:
        model = InformationSystem
        fields = [
            "id",
            "name",
            "org",
            "org_name",
            "domain",
            "domain_name",
            "description",
            "functions",
            "status",
            "annual_cost",
            "users_count",
            "is_shared",
            "launched_on",
        ]


class DataResourceSerializer(CleanModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    domain_name = serializers.CharField(source="domain.name", read_only=True)

    class Meta:
        model = DataResource
        fields = [
            "id",
            "name",
            "org",
            "org_name",
            "domain",
            "domain_name",
            "system",
            "description",
            "sharing",
            "update_frequency",
        ]


class AuditEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_name",
            "kind",
            "kind_label",
            "action",
            "action_label",
            "object_type",
            "object_id",
            "object_label",
            "before",
            "after",
            "message",
            "request_id",
            "address",
            "method",
            "path",
        ]
        read_only_fields = fields
