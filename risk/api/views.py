"""Thin viewsets of the risk API: querysets from the selectors, writes through services."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.api.access import AccessLoggedReadMixin
from crm.models import AccessLog

from .. import permissions, selectors, services
from ..filters import AlertFilter, RiskScoreFilter
from ..models import RiskScore
from .serializers import (
    AlertCommentSerializer,
    AlertCreateSerializer,
    AlertEventSerializer,
    AlertSerializer,
    AssignSerializer,
    DismissSerializer,
    NoteSerializer,
    ResolveSerializer,
    RiskScoreSerializer,
)


class AlertViewSet(
    AccessLoggedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """`/api/v1/alerts/`: the alert queue; actions move an alert through its lifecycle."""

    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    access_log_category = AccessLog.Category.RISK

    def get_queryset(self):
        return selectors.alert_queryset(user=self.request.user)

    def _respond(self, alert):
        alert = selectors.alert_get(user=self.request.user, pk=alert.pk)
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=AlertCreateSerializer, responses={201: AlertSerializer})
    def create(self, request):
        """Raise a manual alert (risk officers)."""
        data = AlertCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        customer = selectors.customer_for_risk(user=request.user, pk=values.pop("customer"))
        loan_id = values.pop("loan")
        loan = None
        if loan_id is not None:
            loan = selectors.loan_of_customer(customer=customer, pk=loan_id)
            if loan is None:
                return Response(
                    {"loan": ["The loan is not one of this customer's loans."]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        alert = services.alert_raise_manual(
            user=request.user, customer=customer, loan=loan, **values
        )
        return Response(AlertSerializer(alert).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = data.validated_data["note"] or data.validated_data["comment"]
        alert = services.alert_acknowledge(alert=self.get_object(), user=request.user, note=note)
        return self._respond(alert)

    @extend_schema(request=NoteSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = data.validated_data["note"] or data.validated_data["comment"]
        alert = services.alert_escalate(alert=self.get_object(), user=request.user, note=note)
        return self._respond(alert)

    @extend_schema(request=ResolveSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_resolve(
            alert=self.get_object(), user=request.user, **data.validated_data
        )
        return self._respond(alert)

    @extend_schema(request=DismissSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        alert = self.get_object()
        # Role first: a relationship manager learns "forbidden", not "note missing".
        if not permissions.can_dismiss(request.user):
            return Response(
                {"detail": "Only risk officers may dismiss alerts."},
                status=status.HTTP_403_FORBIDDEN,
            )
        data = DismissSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_dismiss(alert=alert, user=request.user, **data.validated_data)
        return self._respond(alert)

    @extend_schema(request=AssignSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_assign(
            alert=self.get_object(), user=request.user, assignee=data.validated_data["assignee"]
        )
        return self._respond(alert)

    @extend_schema(responses=AlertEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def events(self, request, pk=None):
        alert = self.get_object()
        events = alert.events.select_related("actor").order_by("at", "id")
        return Response(AlertEventSerializer(events, many=True).data)

    @extend_schema(methods=["GET"], responses=AlertCommentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=AlertCommentSerializer, responses={201: AlertCommentSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def comments(self, request, pk=None):
        alert = self.get_object()
        if request.method == "POST":
            data = AlertCommentSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            comment = services.alert_comment_add(
                alert=alert, user=request.user, body=data.validated_data["body"]
            )
            return Response(AlertCommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        comments = alert.comments.select_related("author").order_by("created_at", "id")
        return Response(AlertCommentSerializer(comments, many=True).data)


class CustomerRiskScoreList(AccessLoggedReadMixin, generics.ListAPIView):
    """`/api/v1/customers/{id}/risk-scores/`: the customer's scores, newest first."""

    # A generic view has no router action: this one only ever lists (logged like a list).
    action = "list"
    access_log_category = AccessLog.Category.RISK
    access_log_parent_kwarg = "customer_id"

    serializer_class = RiskScoreSerializer
    filterset_class = RiskScoreFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no customer
            return RiskScore.objects.none()
        return selectors.risk_scores(user=self.request.user, customer_id=self.kwargs["customer_id"])
