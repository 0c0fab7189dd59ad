"""Serializers of the risk API (API.md "Risk")."""

from django.utils import timezone
from rest_framework import serializers

from crm.models import User

from ..choices import AlertResponse, ManualCategory, Severity
from ..models import Alert, AlertComment, AlertEvent, RiskScore


def sla_state(alert: Alert, now=None) -> str:
    """`met`, `on_time`, `due_soon` (within 4 h) or `overdue`, from the acknowledgement due time."""
    if alert.status != "open":
        return "met"
    now = now or timezone.now()
    if alert.due_at < now:
        return "overdue"
    if (alert.due_at - now).total_seconds() < 4 * 3600:
        return "due_soon"
    return "on_time"


class AlertSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    sla = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id", "customer", "customer_name", "loan", "rule", "rule_version", "category", "event",
            "severity", "status", "message", "raised_on", "raised_at", "assignee", "details",
            "due_at", "sla", "acknowledged_at", "acknowledged_by", "escalated_at", "closed_at",
            "closed_by", "response", "close_note",
        ]  # fmt: skip
        read_only_fields = fields

    def get_sla(self, alert) -> str:
        return sla_state(alert)


class AlertCreateSerializer(serializers.Serializer):
    """A manual alert raised by a risk officer."""

    customer = serializers.IntegerField()
    loan = serializers.IntegerField(required=False, allow_null=True, default=None)
    category = serializers.ChoiceField(choices=ManualCategory.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    message = serializers.CharField(max_length=300)
    details = serializers.DictField(required=False, default=dict)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DismissSerializer(serializers.Serializer):
    note = serializers.CharField()


class ResolveSerializer(serializers.Serializer):
    response = serializers.ChoiceField(choices=AlertResponse.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True
    )


class AlertEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = AlertEvent
        fields = ["id", "action", "actor", "from_status", "to_status", "note", "at"]


class AlertCommentSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = AlertComment
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class RiskScoreSerializer(serializers.ModelSerializer):
    grade = serializers.CharField()

    class Meta:
        model = RiskScore
        fields = [
            "id",
            "customer",
            "score",
            "grade",
            "risk_level",
            "as_of",
            "model_version",
            "factors",
        ]
