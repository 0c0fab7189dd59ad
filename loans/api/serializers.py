"""Serializers of the loans API (API.md, Loan applications and loans)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.masking import mask_id_number
from customers.models import Customer

from ..choices import Classification, GuarantorKind, Material
from ..models import (
    ApprovalRecord,
    ClassificationChange,
    ClassificationProposal,
    Collateral,
    Guarantor,
    Installment,
    Loan,
    LoanApplication,
    LoanApplicationEvent,
    LoanProduct,
    Repayment,
)


class LoanProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = LoanProduct
        fields = [
            "id",
            "code",
            "name",
            "name_zh",
            "purpose",
            "min_amount",
            "max_amount",
            "min_term_months",
            "max_term_months",
            "min_rate",
            "max_rate",
            "repayment_methods",
            "guarantee_methods",
            "is_active",
        ]


class CollateralSerializer(serializers.ModelSerializer):
    class Meta:
        model = Collateral
        fields = [
            "id",
            "kind",
            "description",
            "owner_name",
            "value",
            "valuation_date",
            "registration_ref",
            "security_interest",
        ]


class GuarantorSerializer(serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Guarantor
        fields = ["id", "kind", "customer", "name", "id_number", "amount"]
        extra_kwargs = {"id_number": {"max_length": 30}}

    def to_representation(self, instance):
        # A person's ID number is masked like contacts' (DOMAIN.md §10); a company's USCC is not
        # personal data and stays readable.
        data = super().to_representation(instance)
        if instance.kind == GuarantorKind.INDIVIDUAL:
            data["id_number"] = mask_id_number(instance.id_number)
        return data


class LoanApplicationSerializer(serializers.ModelSerializer):
    """An application; the terms are writable on create and (while editable) on PATCH."""

    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    product = serializers.SlugRelatedField(
        slug_field="code", queryset=LoanProduct.objects.filter(is_active=True)
    )
    materials = serializers.ListField(
        child=serializers.ChoiceField(choices=Material.choices), required=False
    )
    collateral = CollateralSerializer(many=True, read_only=True)
    guarantors = GuarantorSerializer(many=True, read_only=True)
    loan = serializers.SerializerMethodField()
    loan_to_value = serializers.SerializerMethodField()

    class Meta:
        model = LoanApplication
        fields = [
            "id",
            "customer",
            "product",
            "amount",
            "term_months",
            "annual_rate",
            "repayment_method",
            "purpose",
            "guarantee_method",
            "priority",
            "materials",
            "status",
            "round",
            "approvals_required",
            "risk_sign_off_required",
            "risk_score_at_submission",
            "limit_check",
            "approved_amount",
            "approved_term_months",
            "approved_annual_rate",
            "collateral",
            "guarantors",
            "loan_to_value",
            "loan",
            "created_by",
            "submitted_at",
            "decided_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "round",
            "approvals_required",
            "risk_sign_off_required",
            "risk_score_at_submission",
            "limit_check",
            "approved_amount",
            "approved_term_months",
            "approved_annual_rate",
            "created_by",
            "submitted_at",
            "decided_at",
            "created_at",
            "updated_at",
        ]

    def get_loan(self, obj) -> int | None:
        loan = getattr(obj, "loan", None) if hasattr(obj, "loan") else None
        return loan.pk if loan else None

    def get_loan_to_value(self, obj) -> str | None:
        ltv = obj.loan_to_value
        return None if ltv is None else f"{ltv:.2f}"


class LoanApplicationUpdateSerializer(LoanApplicationSerializer):
    """PATCH: the customer of an application never changes."""

    class Meta(LoanApplicationSerializer.Meta):
        read_only_fields = [*LoanApplicationSerializer.Meta.read_only_fields, "customer"]


class LoanApplicationEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username")
    # API.md names these `from` and `to`, which are Python keywords.
    from_ = serializers.CharField(source="from_status")
    to = serializers.CharField(source="to_status")

    class Meta:
        model = LoanApplicationEvent
        fields = ["id", "action", "actor", "from_", "to", "comment", "at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["from"] = data.pop("from_")
        return data


class LoanApplicationEventPageSerializer(serializers.Serializer):
    """One page of events (the schema of the paginated `events` action)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = LoanApplicationEventSerializer(many=True)


class ApprovalRecordSerializer(serializers.ModelSerializer):
    approver = serializers.CharField(source="approver.username")

    class Meta:
        model = ApprovalRecord
        fields = [
            "id",
            "round",
            "kind",
            "level",
            "approver",
            "decision",
            "approved_amount",
            "approved_term_months",
            "approved_annual_rate",
            "conditions",
            "reason",
            "at",
        ]


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ApproveSerializer(CommentSerializer):
    approved_amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, min_value=0, required=False
    )
    approved_term_months = serializers.IntegerField(min_value=1, required=False)
    approved_annual_rate = serializers.DecimalField(
        max_digits=7, decimal_places=4, min_value=0, required=False
    )
    conditions = serializers.CharField(required=False, allow_blank=True, default="")


class DisburseSerializer(CommentSerializer):
    disbursed_on = serializers.DateField()


class DisbursedSerializer(serializers.Serializer):
    loan = serializers.IntegerField()


class LoanSerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="product.code")

    class Meta:
        model = Loan
        fields = [
            "id",
            "application",
            "customer",
            "product",
            "principal",
            "annual_rate",
            "term_months",
            "repayment_method",
            "disbursed_on",
            "maturity_date",
            "outstanding_principal",
            "status",
            "days_past_due",
            "classification",
            "manual_classification",
            "status_as_of",
        ]


class InstallmentSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    paid_amount = serializers.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        model = Installment
        fields = [
            "number",
            "due_date",
            "principal",
            "interest",
            "amount",
            "paid_amount",
            "paid_on",
            "status",
        ]


class RepaymentSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=Decimal("0.01"))
    posted_by = serializers.CharField(source="posted_by.username", read_only=True)
    reversed_by = serializers.CharField(
        source="reversed_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Repayment
        fields = [
            "id",
            "loan",
            "paid_on",
            "amount",
            "posted_by",
            "posted_at",
            "reversed_at",
            "reversed_by",
            "reversal_reason",
        ]
        read_only_fields = ["loan", "posted_at", "reversed_at", "reversal_reason"]


class ReversalSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ClassificationChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClassificationChange
        fields = [
            "id",
            "from_classification",
            "to_classification",
            "days_past_due",
            "as_of",
            "source",
            "reason",
            "changed_by",
            "at",
        ]


class ClassificationProposalSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClassificationProposal
        fields = [
            "id",
            "loan",
            "proposed_classification",
            "reason",
            "proposed_by",
            "proposed_at",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class ProposeSerializer(serializers.Serializer):
    classification = serializers.ChoiceField(choices=Classification.choices)
    reason = serializers.CharField()


class DecisionNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


NOT_EDITABLE = _("Only draft or returned applications can be changed.")
