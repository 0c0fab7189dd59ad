"""Serializers of the customers API (API.md, Customers)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from crm.masking import mask_id_number, mask_phone, mask_text
from crm.models import User

from ..models import Contact, Customer, FinancialStatement
from ..validators import uscc_validator


class UsccField(serializers.CharField):
    """A USCC: surrounding spaces dropped and letters upper-cased before it is checked."""

    def to_internal_value(self, data):
        return super().to_internal_value(data).strip().upper()


class CustomerSerializer(serializers.ModelSerializer):
    """A customer profile; credit grade, risk level and score are written by the risk scoring."""

    uscc = UsccField(
        max_length=18,
        validators=[
            uscc_validator,
            UniqueValidator(
                queryset=Customer.objects.all(),
                message=_("A customer with this USCC already exists."),
            ),
        ],
    )
    relationship_manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )
    relationship_manager_name = serializers.SerializerMethodField()
    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text=_("Why the classification or owner changes (kept in the change log)."),
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "uscc",
            "legal_form",
            "entity_type",
            "industry",
            "size",
            "region",
            "region_tier",
            "branch",
            "relationship_manager",
            "relationship_manager_name",
            "tier",
            "segment",
            "value_tier",
            "lifecycle_stage",
            "credit_grade",
            "risk_level",
            "risk_score",
            "cooperation_start",
            "group",
            "registered_address",
            "established_on",
            "registered_capital",
            "employees",
            "business_model",
            "market_position",
            "operating_condition",
            "supply_chain",
            "soft_information",
            "approved_credit",
            "contribution_score",
            "classified_on",
            "relationship_ended_on",
            "data_source",
            "verification_method",
            "verified",
            "collected_on",
            "created_at",
            "updated_at",
            "reason",
        ]
        read_only_fields = [
            "credit_grade",
            "risk_level",
            "risk_score",
            "classified_on",
            "relationship_ended_on",
            "created_at",
            "updated_at",
        ]

    def get_relationship_manager_name(self, obj) -> str:
        return str(obj.relationship_manager)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("unmask"):
            data["soft_information"] = mask_text(instance.soft_information)
        return data

    def validate_soft_information(self, value):
        # Writing needs the same permission as reading: a blind overwrite would destroy notes
        # the writer may not see.
        from crm.masking import can_view_sensitive

        request = self.context.get("request")
        if value and not can_view_sensitive(getattr(request, "user", None)):
            raise serializers.ValidationError(_("You may not edit sensitive information."))
        return value


class ContactSerializer(serializers.ModelSerializer):
    """A contact; phone and ID number are masked unless the caller asked and may unmask."""

    class Meta:
        model = Contact
        fields = [
            "id",
            "customer",
            "name",
            "role",
            "department",
            "position",
            "is_decision_maker",
            "approval_order",
            "preferences",
            "birthday",
            "phone",
            "email",
            "wechat",
            "id_number",
            "data_source",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["customer", "created_at", "updated_at"]
        extra_kwargs = {
            "phone": {"max_length": 30},
            "id_number": {"max_length": 30},
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("unmask"):
            data["phone"] = mask_phone(instance.phone)
            data["id_number"] = mask_id_number(instance.id_number)
        return data


class FinancialStatementSerializer(serializers.ModelSerializer):
    """One period's figures (input) and its ratios (computed, 4-decimal strings or null)."""

    class Meta:
        model = FinancialStatement
        fields = [
            "id",
            "customer",
            "period_end",
            "revenue",
            "net_profit",
            "total_assets",
            "total_liabilities",
            "current_assets",
            "current_liabilities",
            "inventory",
            "operating_cash_flow",
            "interest_expense",
            "ebit",
            "debt_to_asset",
            "current_ratio",
            "quick_ratio",
            "interest_coverage",
            "revenue_growth",
            "audited",
            "data_source",
            "verified",
            "created_at",
        ]
        read_only_fields = [
            "customer",
            "debt_to_asset",
            "current_ratio",
            "quick_ratio",
            "interest_coverage",
            "revenue_growth",
            "created_at",
        ]


class ImportSerializer(serializers.Serializer):
    """The uploaded CSV or XLSX file."""

    file = serializers.FileField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
