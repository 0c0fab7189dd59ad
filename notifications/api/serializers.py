"""Serializers of `/api/v1/notifications/` (API.md, Interactions and service)."""

from rest_framework import serializers

from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    """`kind`, `message`, `customer`, `loan`, `installment`, `alert`, `created_at`, `read`."""

    read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "message",
            "customer",
            "loan",
            "installment",
            "alert",
            "url",
            "created_at",
            "read",
            "read_at",
            "acknowledged_at",
        ]
        read_only_fields = fields


class MarkAllReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()
