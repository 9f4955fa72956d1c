"""API of "Reaching people": robot channels and notification preferences (docs/notifications.md)."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portfolio import channels
from portfolio.models import Channel, ChannelKind, Delivery, Event, NotificationPreference, Organization
from portfolio.notifications import preferences


class ChannelSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ChannelKind.choices)
    name = serializers.CharField(max_length=100)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    organization_name = serializers.CharField(source="organization.name", read_only=True, default="")
    url = serializers.CharField(write_only=True, required=False, max_length=500)
    secret = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200)
    failing = serializers.SerializerMethodField()

    class Meta:
        model = Channel
        fields = [
            "id",
            "kind",
            "name",
            "organization",
            "organization_name",
            "user",
            "url",
            "url_hint",
            "secret",
            "has_secret",
            "is_active",
            "failing",
            "failing_since",
            "last_error",
            "last_success_at",
        ]
        read_only_fields = ["user", "url_hint", "has_secret", "failing_since", "last_error", "last_success_at"]

    def get_failing(self, channel) -> bool:
        return channel.failing_since is not None

    def save(self, **kwargs):
        data, request = self.validated_data, self.context["request"]
        instance = self.instance
        with transaction.atomic():
            channel = channels.save_channel(
                instance,
                by=request.user,
                kind=data.get("kind", instance.kind if instance else ""),
                name=data.get("name", instance.name if instance else ""),
                url=data.get("url"),
                secret=data.get("secret"),
                organization=data.get("organization"),
            )
            if "is_active" in data and data["is_active"] != channel.is_active:
                channel.is_active = data["is_active"]
                channel.save(update_fields=["is_active"])
        self.instance = channel
        return channel


class ChannelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """An organization's group robots and a user's own (WeCom, DingTalk, Feishu). The address and
    the secret are write-only: reads show a masked hint and whether a secret is set."""

    serializer_class = ChannelSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["kind", "organization", "is_active"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return Channel.objects.visible_to(self.request.user).select_related("organization")


class PreferenceSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=Event.choices)
    label = serializers.CharField(read_only=True)
    delivery = serializers.ChoiceField(choices=Delivery.choices)
    is_default = serializers.BooleanField(read_only=True)


class NotificationPreferencesView(APIView):
    """The caller's delivery per kind of event: at once, in the morning digest, or only in the app.

    PUT or PATCH a list of ``{"event", "delivery"}`` (only the events named change); ``"delivery":
    "default"`` is not accepted: the role's default is what an event has until it is chosen.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PreferenceSerializer(many=True))
    def get(self, request):
        return Response(PreferenceSerializer(preferences(request.user), many=True).data)

    @extend_schema(request=PreferenceSerializer(many=True), responses=PreferenceSerializer(many=True))
    def put(self, request):
        items = request.data if isinstance(request.data, list) else [request.data]
        given = PreferenceSerializer(data=items, many=True)
        given.is_valid(raise_exception=True)
        with transaction.atomic():
            for item in given.validated_data:
                NotificationPreference.objects.update_or_create(
                    user=request.user, event=item["event"], defaults={"delivery": item["delivery"]}
                )
        return self.get(request)

    patch = put
