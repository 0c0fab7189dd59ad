"""Serializers of the interactions API (API.md, Interactions and service)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import Contact, Customer

from ..choices import ImprovementStatus, RequestStatus, Satisfaction, SurveyDimension
from ..models import (
    ImprovementAction,
    Interaction,
    ServiceRequest,
    ServiceRequestEvent,
    SurveyResponse,
    Task,
    VisitPlan,
)


class VisibleCustomerField(serializers.PrimaryKeyRelatedField):
    """A customer id the caller may see; any other id is "does not exist" (no leak)."""

    def get_queryset(self):
        return Customer.objects.visible_to(self.context["request"].user)


class VisibleServiceRequestField(serializers.PrimaryKeyRelatedField):
    """A service request on a customer the caller may see."""

    def get_queryset(self):
        return ServiceRequest.objects.visible_to(self.context["request"].user)


class VisibleSurveyResponseField(serializers.PrimaryKeyRelatedField):
    """A survey response on a customer the caller may see."""

    def get_queryset(self):
        return SurveyResponse.objects.visible_to(self.context["request"].user)


class VisibleVisitPlanField(serializers.PrimaryKeyRelatedField):
    """A visit plan on a customer the caller may see."""

    def get_queryset(self):
        return VisitPlan.objects.visible_to(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class StaffField(serializers.PrimaryKeyRelatedField):
    """An active member of staff."""

    def get_queryset(self):
        return get_user_model().objects.filter(is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class VisibleContactField(serializers.PrimaryKeyRelatedField):
    """A contact of a customer the caller may see; that it is the right customer's is checked
    by the serializer, which knows the customer."""

    def get_queryset(self):
        return Contact.objects.visible_to(self.context["request"].user).only("id", "customer_id")


class NamesField(serializers.ListField):
    """Free-text participants, one name per item (stored one per line)."""

    child = serializers.CharField(max_length=100)

    def to_representation(self, value):
        return [line.strip() for line in value.splitlines() if line.strip()]

    def to_internal_value(self, data):
        names = super().to_internal_value(data)
        return "\n".join(name.strip() for name in names if name.strip())


class ContactDetailSerializer(serializers.ModelSerializer):
    """A participant as shown: id, name and role."""

    class Meta:
        model = Contact
        fields = ["id", "name", "role"]


class ParticipantsMixin:
    """`contacts` must be contacts of the row's customer."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        customer = attrs.get("customer")
        contacts = attrs.get("contacts") or []
        if customer is not None and any(c.customer_id != customer.pk for c in contacts):
            raise serializers.ValidationError(
                {"contacts": [_("Choose contacts of this customer only.")]}
            )
        return attrs


class InteractionSerializer(ParticipantsMixin, serializers.ModelSerializer):
    """A logged contact; `next_action` with `next_action_due` creates a follow-up task."""

    customer = VisibleCustomerField()
    contacts = VisibleContactField(many=True, required=False)
    contact_details = ContactDetailSerializer(source="contacts", many=True, read_only=True)
    contact_names = NamesField(required=False)
    staff = StaffField(many=True, required=False)
    visit_plan = VisibleVisitPlanField(required=False, allow_null=True, write_only=True)
    too_frequent = serializers.SerializerMethodField()

    class Meta:
        model = Interaction
        fields = [
            "id",
            "customer",
            "channel",
            "purpose",
            "occurred_at",
            "loan_stage",
            "summary",
            "situation",
            "findings",
            "contacts",
            "contact_details",
            "contact_names",
            "staff",
            "next_action",
            "next_action_due",
            "follow_up_task",
            "visit_plan",
            "created_by",
            "created_at",
            "too_frequent",
        ]
        read_only_fields = ["follow_up_task", "created_by", "created_at"]

    def get_too_frequent(self, obj) -> bool:
        """Set on the create response when the guard warns about over-contacting."""
        return bool(getattr(obj, "too_frequent", False))


class InteractionUpdateSerializer(serializers.Serializer):
    """What may be corrected after logging."""

    summary = serializers.CharField(required=False)
    situation = serializers.CharField(required=False, allow_blank=True)
    findings = serializers.CharField(required=False, allow_blank=True)
    purpose = serializers.CharField(required=False)


class TaskSerializer(serializers.ModelSerializer):
    """A follow-up task."""

    customer = VisibleCustomerField(required=False, allow_null=True)
    owner = StaffField(required=False)

    class Meta:
        model = Task
        fields = [
            "id",
            "owner",
            "customer",
            "kind",
            "title",
            "description",
            "due_date",
            "status",
            "source_key",
            "created_by",
            "created_at",
            "completed_at",
        ]
        read_only_fields = [
            "kind",
            "status",
            "source_key",
            "created_by",
            "created_at",
            "completed_at",
        ]


class ServiceRequestSerializer(serializers.ModelSerializer):
    """A complaint, suggestion, inquiry or service request with its SLA clocks."""

    customer = VisibleCustomerField()
    owner = StaffField(required=False)
    received_at = serializers.DateTimeField(required=False)

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "customer",
            "kind",
            "polarity",
            "channel",
            "business_line",
            "product_type",
            "service_stage",
            "cause_category",
            "importance",
            "urgency",
            "summary",
            "owner",
            "department",
            "action_plan",
            "due_date",
            "status",
            "received_at",
            "first_handling_due_at",
            "reply_due_at",
            "first_handled_at",
            "replied_at",
            "closed_at",
            "resolution",
            "customer_satisfaction",
            "effect_evaluation",
            "sla_breached",
            "escalated_at",
            "created_at",
        ]
        read_only_fields = [
            "department",
            "action_plan",
            "due_date",
            "status",
            "first_handling_due_at",
            "reply_due_at",
            "first_handled_at",
            "replied_at",
            "closed_at",
            "resolution",
            "customer_satisfaction",
            "effect_evaluation",
            "sla_breached",
            "escalated_at",
            "created_at",
        ]


class ServiceRequestTransitionSerializer(serializers.Serializer):
    """Input of the `advance` action: the target status and what that step needs."""

    to_status = serializers.ChoiceField(choices=RequestStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    owner = StaffField(required=False)
    department = serializers.CharField(required=False, allow_blank=True, max_length=100)
    action_plan = serializers.CharField(required=False, allow_blank=True)
    due_date = serializers.DateField(required=False)
    resolution = serializers.CharField(required=False, allow_blank=True)
    customer_satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, required=False)
    effect_evaluation = serializers.CharField(required=False, allow_blank=True)


class ServiceRequestUpdateSerializer(serializers.ModelSerializer):
    """What may be corrected on an open request (PATCH)."""

    class Meta:
        model = ServiceRequest
        fields = [
            "summary",
            "polarity",
            "channel",
            "business_line",
            "product_type",
            "service_stage",
            "cause_category",
            "importance",
            "urgency",
        ]


class ImprovementAdvanceSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ImprovementStatus.choices)
    verification = serializers.CharField(required=False, allow_blank=True, default="")
    score_after = serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=1, max_value=5, required=False
    )


class ProgressSerializer(serializers.Serializer):
    note = serializers.CharField()


class ServiceRequestEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceRequestEvent
        fields = ["id", "kind", "actor", "from_status", "to_status", "note", "at"]


class CsatField(serializers.DictField):
    """`{dimension code: 1–5}`."""

    child = serializers.IntegerField(min_value=1, max_value=5)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        unknown = sorted(set(value) - set(SurveyDimension.values))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown dimension: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return value


class SurveyResponseSerializer(serializers.ModelSerializer):
    """One response: CSAT scores per dimension and the NPS answer."""

    customer = VisibleCustomerField()
    csat = CsatField(required=False, default=dict)
    nps = serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)
    service_request = VisibleServiceRequestField(required=False, allow_null=True)

    class Meta:
        model = SurveyResponse
        fields = [
            "id",
            "customer",
            "responded_on",
            "csat",
            "nps",
            "channel",
            "respondent",
            "comment",
            "is_valid",
            "invalid_reason",
            "service_request",
            "entered_by",
            "created_at",
        ]
        read_only_fields = ["is_valid", "invalid_reason", "entered_by", "created_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["csat"] = {score.dimension: score.score for score in instance.scores.all()}
        return data


class SurveyValiditySerializer(serializers.Serializer):
    is_valid = serializers.BooleanField()
    invalid_reason = serializers.CharField(required=False, allow_blank=True, default="")


class SurveyImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class SurveySummarySerializer(serializers.Serializer):
    """`{"responses", "nps", "csat", "csat_top2_share"}` (shares in percent)."""

    responses = serializers.IntegerField()
    nps = serializers.FloatField(allow_null=True)
    csat = serializers.DictField(child=serializers.FloatField())
    csat_overall = serializers.FloatField(allow_null=True)
    csat_top2_share = serializers.FloatField(allow_null=True)


class VisitPlanSerializer(ParticipantsMixin, serializers.ModelSerializer):
    """A planned visit; `contacts` are the customer's contacts expected to attend."""

    customer = VisibleCustomerField()
    contacts = VisibleContactField(many=True, required=False)
    contact_details = ContactDetailSerializer(source="contacts", many=True, read_only=True)
    contact_names = NamesField(required=False)
    staff = StaffField(many=True, required=False)

    class Meta:
        model = VisitPlan
        fields = [
            "id",
            "customer",
            "planned_for",
            "agenda",
            "preparation",
            "itinerary",
            "contacts",
            "contact_details",
            "contact_names",
            "staff",
            "status",
            "outcome",
            "interaction",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["status", "outcome", "interaction", "created_by", "created_at"]


class ImprovementActionSerializer(serializers.ModelSerializer):
    owner = StaffField()
    survey_response = VisibleSurveyResponseField(required=False, allow_null=True)
    service_request = VisibleServiceRequestField(required=False, allow_null=True)

    class Meta:
        model = ImprovementAction
        fields = [
            "id",
            "title",
            "finding",
            "dimension",
            "survey_response",
            "service_request",
            "owner",
            "due_date",
            "status",
            "score_before",
            "score_after",
            "verification",
            "created_at",
        ]
        read_only_fields = ["status", "score_after", "verification", "created_at"]
