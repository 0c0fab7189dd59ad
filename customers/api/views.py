"""Thin viewsets of the customers API: querysets from `visible_to`, writes through services."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from crm.api.access import AccessLoggedReadMixin
from crm.masking import can_view_sensitive
from crm.models import AccessLog
from crm.services import access_log_record

from .. import services
from ..filters import CustomerFilter
from ..models import Contact, Customer, FinancialStatement
from ..selectors import customer_get
from ..spreadsheets import ImportRejected, customers_export, customers_import
from .serializers import (
    ContactSerializer,
    CustomerSerializer,
    FinancialStatementSerializer,
    ImportResultSerializer,
    ImportSerializer,
)


class ModelActionPermissions(permissions.DjangoModelPermissions):
    """Model permissions by action; reads need the model's view permission too."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }
    extra = {
        "import_customers": ["customers.import_customers"],
        "export": ["customers.export_customers"],
    }

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        extra = self.extra.get(getattr(view, "action", None))
        if extra is not None:
            return request.user.has_perms(extra)
        return super().has_permission(request, view)


class IgnoreFormatNegotiation(DefaultContentNegotiation):
    """`?format=csv|xlsx` picks the export file type, not a DRF renderer."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return (renderers[0], renderers[0].media_type)


class CustomerViewSet(
    AccessLoggedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """`/api/v1/customers/`: list, create, retrieve, PATCH; import and export."""

    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    permission_classes = [ModelActionPermissions]
    access_log_customer_attr = "id"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            Customer.objects.visible_to(self.request.user)
            .select_related("industry", "relationship_manager")
            .order_by("name", "id")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["unmask"] = self._unmask()
        return context

    def _unmask(self) -> bool:
        """`GET /customers/{id}/?unmask=true`: soft information in full (permission; logged)."""
        wanted = self.request.query_params.get("unmask", "").lower() in ("1", "true", "yes")
        if not (wanted and self.request.method == "GET" and self.action == "retrieve"):
            return False
        if getattr(self, "_unmask_logged", False):
            return True
        if not can_view_sensitive(self.request.user):
            raise PermissionDenied("You may not view sensitive information unmasked.")
        services.customer_soft_information_unmask(
            customer=self.get_object(), user=self.request.user, request=self.request
        )
        self._unmask_logged = True
        return True

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("reason", None)
        serializer.instance = services.customer_create(user=self.request.user, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        serializer.instance = services.customer_update(
            customer=serializer.instance, user=self.request.user, data=data, reason=reason
        )

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={201: ImportResultSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_customers(self, request):
        """Import a CSV/XLSX file: all rows valid → 201 `{"created": N}`, else 400 by row."""
        serializer = ImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            created = customers_import(
                uploaded=serializer.validated_data["file"], user=request.user, request=request
            )
        except ImportRejected as rejected:
            return Response(
                {"errors": [e.as_dict() for e in rejected.errors]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"created": created}, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["csv", "xlsx"])],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="export",
        url_name="export",
        content_negotiation_class=IgnoreFormatNegotiation,
    )
    def export(self, request):
        """The caller's scope (with the list's filters) as CSV or XLSX; logged."""
        queryset = self.filter_queryset(self.get_queryset())
        content, content_type, filename = customers_export(
            queryset=queryset,
            user=request.user,
            fmt=request.query_params.get("format", "csv"),
            request=request,
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class CustomerChildViewSet(AccessLoggedReadMixin, viewsets.ModelViewSet):
    """Rows under `/customers/{customer_pk}/...`; the customer must be in the caller's scope."""

    permission_classes = [ModelActionPermissions]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_customer(self):
        if not hasattr(self, "_customer"):
            self._customer = customer_get(user=self.request.user, pk=self.kwargs["customer_pk"])
        return self._customer


class ContactViewSet(CustomerChildViewSet):
    """`/api/v1/customers/{id}/contacts/`; `?unmask=true` shows full numbers (logged)."""

    serializer_class = ContactSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no customer in URL
            return Contact.objects.none()
        return Contact.objects.filter(customer=self.get_customer()).order_by(
            "approval_order", "name", "id"
        )

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["unmask"] = self._unmask()
        return context

    def _unmask(self) -> bool:
        if getattr(self, "_unmask_checked", None) is not None:
            return self._unmask_checked
        wanted = self.request.query_params.get("unmask", "").lower() in ("1", "true", "yes")
        if wanted and self.request.method == "GET":
            if not can_view_sensitive(self.request.user):
                raise PermissionDenied("You may not view sensitive numbers unmasked.")
            access_log_record(
                user=self.request.user,
                action=AccessLog.Action.UNMASK,
                category=AccessLog.Category.BASIC,
                customer=self.get_customer(),
                request=self.request,
                detail="contacts via API: phone, id_number",
            )
        self._unmask_checked = wanted and self.request.method == "GET"
        return self._unmask_checked

    def perform_create(self, serializer):
        serializer.instance = services.contact_create(
            customer=self.get_customer(), user=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.contact_update(
            contact=serializer.instance, user=self.request.user, data=serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.contact_delete(contact=instance, user=self.request.user)


class FinancialStatementViewSet(CustomerChildViewSet):
    """`/api/v1/customers/{id}/financial-statements/`: figures in, ratios computed."""

    serializer_class = FinancialStatementSerializer
    access_log_category = AccessLog.Category.RISK  # statements are risk information (§2)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no customer in URL
            return FinancialStatement.objects.none()
        return FinancialStatement.objects.filter(customer=self.get_customer()).order_by(
            "-period_end"
        )

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        serializer.instance = services.statement_save(
            customer=self.get_customer(), user=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.statement_save(
            customer=self.get_customer(),
            user=self.request.user,
            data=serializer.validated_data,
            statement=serializer.instance,
        )
