"""Thin viewsets of the interactions API: selectors for reads, services for writes."""

import csv
import io

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.api.access import AccessLoggedReadMixin
from crm.models import AccessLog

from .. import selectors, services
from ..filters import (
    ImprovementActionFilter,
    InteractionFilter,
    ServiceRequestFilter,
    SurveyResponseFilter,
    TaskFilter,
    VisitPlanFilter,
)
from ..imports import import_survey_responses
from ..models import (
    ImprovementAction,
    Interaction,
    ServiceRequest,
    SurveyResponse,
    Task,
    VisitPlan,
)
from ..permissions import RolePermission
from . import serializers as s


class InteractionViewSet(
    AccessLoggedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """`/api/v1/interactions/`: the contact history of the caller's customers."""

    model = Interaction
    serializer_class = s.InteractionSerializer
    filterset_class = InteractionFilter
    access_log_category = AccessLog.Category.BEHAVIOURAL
    permission_classes = [RolePermission]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.interaction_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        interaction = services.interaction_create(user=self.request.user, **data)
        interaction.too_frequent = selectors.too_frequent_contact(
            interaction.customer, at=interaction.occurred_at
        )
        serializer.instance = interaction

    @extend_schema(request=s.InteractionUpdateSerializer, responses=s.InteractionSerializer)
    def partial_update(self, request, *args, **kwargs):
        interaction = self.get_object()
        data = s.InteractionUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        interaction = services.interaction_update(
            interaction=interaction, user=request.user, **data.validated_data
        )
        return Response(self.get_serializer(interaction).data)


class TaskViewSet(
    AccessLoggedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """`/api/v1/tasks/`: the caller's follow-ups; `?scope=team` adds a lead's team's."""

    model = Task
    access_log_category = AccessLog.Category.BEHAVIOURAL
    serializer_class = s.TaskSerializer
    filterset_class = TaskFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        tasks = selectors.task_list(user=self.request.user)
        if self.action == "list" and self.request.query_params.get("scope") != "team":
            tasks = tasks.filter(owner=self.request.user)
        return tasks

    def perform_create(self, serializer):
        serializer.instance = services.task_create_for(
            user=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=None, responses=s.TaskSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        task = services.task_complete(task=self.get_object(), user=request.user)
        return Response(self.get_serializer(task).data)

    @extend_schema(request=None, responses=s.TaskSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        task = services.task_cancel(task=self.get_object(), user=request.user)
        return Response(self.get_serializer(task).data)


class ServiceRequestViewSet(
    AccessLoggedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """`/api/v1/service-requests/`: complaints, suggestions, inquiries and service requests."""

    model = ServiceRequest
    access_log_category = AccessLog.Category.BEHAVIOURAL
    serializer_class = s.ServiceRequestSerializer
    filterset_class = ServiceRequestFilter
    permission_classes = [RolePermission]
    action_verbs = {"advance": "change", "progress": "change", "events": "view"}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.service_request_list(user=self.request.user)

    @extend_schema(request=s.ServiceRequestUpdateSerializer, responses=s.ServiceRequestSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Correct the classification (kind, customer and clocks stay as received)."""
        service_request = self.get_object()
        data = s.ServiceRequestUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        service_request = services.service_request_update(
            request=service_request, user=request.user, **data.validated_data
        )
        return Response(self.get_serializer(service_request).data)

    def perform_create(self, serializer):
        serializer.instance = services.service_request_create(
            user=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        request=s.ServiceRequestTransitionSerializer, responses=s.ServiceRequestSerializer
    )
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Move the request forward (`to_status`), with what that step needs."""
        service_request = self.get_object()
        data = s.ServiceRequestTransitionSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        service_request = services.service_request_advance(
            request=service_request, user=request.user, **data.validated_data
        )
        return Response(self.get_serializer(service_request).data)

    @extend_schema(request=s.ProgressSerializer, responses=s.ServiceRequestEventSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """Log a progress update sent to the customer."""
        service_request = self.get_object()
        data = s.ProgressSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.service_request_log_progress(
            request=service_request, user=request.user, note=data.validated_data["note"]
        )
        return Response(s.ServiceRequestEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.ServiceRequestEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """Every step of the request, oldest first."""
        service_request = self.get_object()
        return Response(
            s.ServiceRequestEventSerializer(service_request.events.all(), many=True).data
        )


class SurveyResponseViewSet(
    AccessLoggedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """`/api/v1/surveys/responses/`: satisfaction-survey responses of the caller's customers."""

    model = SurveyResponse
    access_log_category = AccessLog.Category.BEHAVIOURAL
    serializer_class = s.SurveyResponseSerializer
    filterset_class = SurveyResponseFilter
    permission_classes = [RolePermission]
    action_verbs = {"validity": "change", "import_file": "add"}

    def get_queryset(self):
        return selectors.survey_response_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.survey_response_create(
            user=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=s.SurveyValiditySerializer, responses=s.SurveyResponseSerializer)
    @action(detail=True, methods=["post"])
    def validity(self, request, pk=None):
        """Mark the response valid, or invalid with a reason."""
        response = self.get_object()
        data = s.SurveyValiditySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        response = services.survey_response_mark(
            response=response,
            user=request.user,
            is_valid=data.validated_data["is_valid"],
            reason=data.validated_data["invalid_reason"],
        )
        return Response(self.get_serializer(response).data)

    @extend_schema(request={"multipart/form-data": s.SurveyImportSerializer})
    @action(detail=False, methods=["post"], url_path="import")
    def import_file(self, request):
        """CSV import: all rows valid gives 201 `{"created": n}`; otherwise 400, nothing saved."""
        data = s.SurveyImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        text = io.TextIOWrapper(data.validated_data["file"], encoding="utf-8-sig")
        try:
            rows = list(csv.DictReader(text))
        except (UnicodeDecodeError, csv.Error):
            # Not a UTF-8 CSV (an XLSX, an image, a GBK export): a 400, never a 500.
            message = _("The file cannot be read: upload a UTF-8 CSV file.")
            return Response(
                {"errors": [{"row": 0, "field": "file", "message": message}]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        created, errors = import_survey_responses(user=request.user, rows=rows)
        if errors:
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": created}, status=status.HTTP_201_CREATED)


class SurveySummaryView(APIView):
    """`/api/v1/surveys/summary/`: NPS and CSAT of the caller's valid responses."""

    model = SurveyResponse
    permission_classes = [RolePermission]

    @extend_schema(responses=s.SurveySummarySerializer)
    def get(self, request):
        responses = SurveyResponseFilter(
            request.GET, queryset=SurveyResponse.objects.visible_to(request.user), request=request
        )
        if not responses.is_valid():
            return Response(responses.errors, status=status.HTTP_400_BAD_REQUEST)
        summary = selectors.survey_summary(responses.qs)
        return Response(s.SurveySummarySerializer(summary).data)


class VisitPlanViewSet(
    AccessLoggedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """`/api/v1/visit-plans/`: planned visits of the caller's customers."""

    model = VisitPlan
    access_log_category = AccessLog.Category.BEHAVIOURAL
    serializer_class = s.VisitPlanSerializer
    filterset_class = VisitPlanFilter
    permission_classes = [RolePermission]
    action_verbs = {"cancel": "change"}

    def get_queryset(self):
        return selectors.visit_plan_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.visit_plan_create(
            user=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=None, responses=s.VisitPlanSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        plan = services.visit_plan_cancel(visit_plan=self.get_object(), user=request.user)
        return Response(self.get_serializer(plan).data)


class ImprovementActionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """`/api/v1/improvement-actions/`: measures taken on survey and complaint findings."""

    model = ImprovementAction
    serializer_class = s.ImprovementActionSerializer
    filterset_class = ImprovementActionFilter
    permission_classes = [RolePermission]

    def get_queryset(self):
        return selectors.improvement_action_list(user=self.request.user)

    action_verbs = {"advance": "change"}

    def perform_create(self, serializer):
        serializer.instance = services.improvement_action_create(
            user=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=s.ImprovementAdvanceSerializer, responses=s.ImprovementActionSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Implementing, verified (with the follow-up and the after score) or cancelled."""
        data = s.ImprovementAdvanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        improvement = services.improvement_action_advance(
            action=self.get_object(), user=request.user, **data.validated_data
        )
        return Response(self.get_serializer(improvement).data)
