"""Serializers of the data-protection API: consents and the share log."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.models import User
from customers.models import Contact
from loans.models import Guarantor

from ..choices import DataCategory
from ..models import Consent, ShareRecord


class CategoriesField(serializers.ListField):
    """A non-empty list of information categories (`basic`, `transaction`, ...)."""

    child = serializers.ChoiceField(choices=DataCategory.choices)

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_empty", False)
        super().__init__(**kwargs)


class ConsentSerializer(serializers.ModelSerializer):
    """A consent record; `active` says whether it is in force now."""

    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.none(), required=False, allow_null=True
    )
    guarantor = serializers.PrimaryKeyRelatedField(
        queryset=Guarantor.objects.none(), required=False, allow_null=True
    )
    scope = CategoriesField()
    retention_months = serializers.IntegerField(min_value=1, max_value=1200)
    person_name = serializers.SerializerMethodField()
    active = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = [
            "id",
            "customer",
            "contact",
            "guarantor",
            "person_name",
            "purpose",
            "scope",
            "scope_note",
            "retention_months",
            "notice_version",
            "given_at",
            "evidence",
            "active",
            "withdrawn_at",
            "withdrawal_note",
            "withdrawn_by",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = [
            "customer",
            "withdrawn_at",
            "withdrawal_note",
            "withdrawn_by",
            "recorded_by",
            "recorded_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        customer = self.context.get("customer")
        if customer is not None:
            # Only the customer's own people can be chosen; anything else is "does not exist".
            self.fields["contact"].queryset = Contact.objects.filter(customer=customer)
            self.fields["guarantor"].queryset = Guarantor.objects.filter(
                application__customer=customer
            )

    def get_person_name(self, obj) -> str:
        return obj.person.name if obj.person else ""

    def get_active(self, obj) -> bool:
        return obj.is_active()


class WithdrawSerializer(serializers.Serializer):
    """Body of `withdraw`: an optional note (how and when the person said so)."""

    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ShareRecordSerializer(serializers.ModelSerializer):
    """One disclosure: ground, recipient, scope, method, responsible person, date, consent."""

    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.none(), required=False, allow_null=True
    )
    consent = serializers.PrimaryKeyRelatedField(
        queryset=Consent.objects.none(),
        required=False,
        allow_null=True,
        help_text=_("For the consent ground: the consent relied on (default: the newest match)."),
    )
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )
    scope = CategoriesField()

    class Meta:
        model = ShareRecord
        fields = [
            "id",
            "customer",
            "contact",
            "ground",
            "purpose",
            "basis_reference",
            "recipient",
            "scope",
            "fields",
            "method",
            "responsible",
            "shared_on",
            "consent",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["customer", "recorded_by", "recorded_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        customer = self.context.get("customer")
        if customer is not None:
            self.fields["contact"].queryset = Contact.objects.filter(customer=customer)
            self.fields["consent"].queryset = Consent.objects.filter(customer=customer)
