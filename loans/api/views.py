"""Thin viewsets of the loans API: querysets from selectors, writes through services."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.api.access import AccessLoggedReadMixin
from crm.models import AccessLog

from .. import selectors, services
from ..filters import LoanApplicationFilter, LoanFilter
from ..models import (
    ClassificationChange,
    ClassificationProposal,
    Collateral,
    Guarantor,
    LoanApplicationEvent,
)
from . import serializers as s


class LoanProductViewSet(viewsets.ReadOnlyModelViewSet):
    """`/api/v1/loan-products/`: the products on offer and their limits."""

    serializer_class = s.LoanProductSerializer
    filterset_fields = ["purpose"]

    def get_queryset(self):
        return selectors.product_list()


def _terms(validated: dict) -> dict:
    return {k: v for k, v in validated.items() if k in services.APPLICATION_FIELDS}


class LoanApplicationViewSet(
    AccessLoggedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """`/api/v1/loan-applications/`: list, create, PATCH while editable, workflow actions."""

    filterset_class = LoanApplicationFilter
    access_log_category = AccessLog.Category.TRANSACTION
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return (
            selectors.application_queryset(user=self.request.user)
            .select_related("loan")
            .prefetch_related(
                Prefetch("collateral", queryset=Collateral.objects.order_by("id")),
                Prefetch("guarantors", queryset=Guarantor.objects.order_by("id")),
            )
        )

    def get_serializer_class(self):
        if self.action == "partial_update":
            return s.LoanApplicationUpdateSerializer
        return s.LoanApplicationSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        customer = data.pop("customer")
        serializer.instance = services.application_create(
            user=self.request.user, customer=customer, **_terms(data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.application_update(
            application=serializer.instance,
            user=self.request.user,
            **_terms(serializer.validated_data),
        )

    def _respond(self, application):
        application = self.get_queryset().get(pk=application.pk)
        return Response(s.LoanApplicationSerializer(application).data)

    def _comment_action(self, request, service):
        body = s.CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = service(
            application=self.get_object(), user=request.user, comment=body.validated_data["comment"]
        )
        return self._respond(application)

    @extend_schema(request=s.CommentSerializer, responses=s.LoanApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit for approval (maker)."""
        return self._comment_action(request, services.application_submit)

    @extend_schema(request=s.ApproveSerializer, responses=s.LoanApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve at the next level (credit approvers; never the maker)."""
        body = s.ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = services.application_approve(
            application=self.get_object(), user=request.user, **body.validated_data
        )
        return self._respond(application)

    @extend_schema(request=s.CommentSerializer, responses=s.LoanApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject (credit approvers; a comment is required)."""
        return self._comment_action(request, services.application_reject)

    @extend_schema(request=s.CommentSerializer, responses=s.LoanApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """Return to the maker for changes."""
        return self._comment_action(request, services.application_return)

    @extend_schema(request=s.CommentSerializer, responses=s.LoanApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="risk-sign-off")
    def risk_sign_off(self, request, pk=None):
        """Risk officer's sign-off for a high-risk customer."""
        return self._comment_action(request, services.application_risk_sign_off)

    @extend_schema(request=s.CommentSerializer, responses=s.LoanApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="sign-contract")
    def sign_contract(self, request, pk=None):
        """Record the signed contract (the customer's relationship manager)."""
        return self._comment_action(request, services.application_sign_contract)

    @extend_schema(request=s.DisburseSerializer, responses=s.DisbursedSerializer)
    @action(detail=True, methods=["post"])
    def disburse(self, request, pk=None):
        """Disburse: creates the loan and its schedule; returns `{"loan": id}`."""
        body = s.DisburseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        loan = services.application_disburse(
            application=self.get_object(), user=request.user, **body.validated_data
        )
        return Response({"loan": loan.pk})

    @extend_schema(responses=s.LoanApplicationEventPageSerializer)
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """Every transition: actor, from, to, comment, at."""
        application = self.get_object()
        events = LoanApplicationEvent.objects.filter(application=application).select_related(
            "actor"
        )
        # Paginated like every list of the API (`count`, `next`, `previous`, `results`).
        page = self.paginate_queryset(events)
        return self.get_paginated_response(s.LoanApplicationEventSerializer(page, many=True).data)

    @extend_schema(responses=s.ApprovalRecordSerializer(many=True))
    @action(detail=True, methods=["get"])
    def approvals(self, request, pk=None):
        """The append-only approval record."""
        application = self.get_object()
        records = application.approvals.select_related("approver").order_by("at", "id")
        return Response(s.ApprovalRecordSerializer(records, many=True).data)

    @extend_schema(request=s.CollateralSerializer, responses=s.CollateralSerializer)
    @action(detail=True, methods=["post"], url_path="collateral")
    def add_collateral(self, request, pk=None):
        """Add a collateral item (while editable)."""
        body = s.CollateralSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.collateral_add(
            application=self.get_object(), user=request.user, **body.validated_data
        )
        return Response(s.CollateralSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"collateral/(?P<item_id>\d+)")
    def remove_collateral(self, request, pk=None, item_id=None):
        """Remove a collateral item (while editable)."""
        application = self.get_object()
        item = get_object_or_404(Collateral, pk=item_id, application=application)
        services.collateral_remove(item=item, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.GuarantorSerializer, responses=s.GuarantorSerializer)
    @action(detail=True, methods=["post"], url_path="guarantors")
    def add_guarantor(self, request, pk=None):
        """Add a guarantor (while editable)."""
        body = s.GuarantorSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        guarantor = services.guarantor_add(
            application=self.get_object(), user=request.user, **body.validated_data
        )
        return Response(s.GuarantorSerializer(guarantor).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"guarantors/(?P<guarantor_id>\d+)")
    def remove_guarantor(self, request, pk=None, guarantor_id=None):
        """Remove a guarantor (while editable)."""
        application = self.get_object()
        guarantor = get_object_or_404(Guarantor, pk=guarantor_id, application=application)
        services.guarantor_remove(guarantor=guarantor, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LoanViewSet(AccessLoggedReadMixin, viewsets.ReadOnlyModelViewSet):
    """`/api/v1/loans/`: loans, their schedule, repayments and classification."""

    serializer_class = s.LoanSerializer
    filterset_class = LoanFilter
    access_log_category = AccessLog.Category.TRANSACTION

    def get_queryset(self):
        return selectors.loan_queryset(user=self.request.user)

    @extend_schema(responses=s.InstallmentSerializer(many=True))
    @action(detail=True, methods=["get"])
    def schedule(self, request, pk=None):
        """Installments in order with what is paid and their status."""
        loan = self.get_object()
        installments = selectors.loan_schedule(loan=loan)
        response = Response(s.InstallmentSerializer(installments, many=True).data)
        self._access_log_write(request, [loan])  # repayment data of the loan's customer
        return response

    @extend_schema(methods=["get"], responses=s.RepaymentSerializer(many=True))
    @extend_schema(methods=["post"], request=s.RepaymentSerializer, responses=s.RepaymentSerializer)
    @action(detail=True, methods=["get", "post"])
    def repayments(self, request, pk=None):
        """List repayments, or post one: oldest installment first, interest before principal."""
        loan = self.get_object()
        if request.method == "GET":
            response = Response(
                s.RepaymentSerializer(selectors.loan_repayments(loan=loan), many=True).data
            )
            self._access_log_write(request, [loan])
            return response
        body = s.RepaymentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        repayment = services.repayment_post(loan=loan, user=request.user, **body.validated_data)
        return Response(s.RepaymentSerializer(repayment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReversalSerializer, responses=s.RepaymentSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"repayments/(?P<repayment_id>\d+)/reverse",
    )
    def reverse_repayment(self, request, pk=None, repayment_id=None):
        """Reverse a mistaken repayment (the latest standing one) with a reason."""
        loan = self.get_object()
        repayment = get_object_or_404(selectors.loan_repayments(loan=loan), pk=repayment_id)
        body = s.ReversalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        repayment = services.repayment_reverse(
            repayment=repayment, user=request.user, reason=body.validated_data["reason"]
        )
        return Response(s.RepaymentSerializer(repayment).data)

    @extend_schema(responses=s.ClassificationChangeSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="classification-history")
    def classification_history(self, request, pk=None):
        """Every change of the loan's class, newest first."""
        changes = ClassificationChange.objects.filter(loan=self.get_object())
        return Response(s.ClassificationChangeSerializer(changes, many=True).data)

    @extend_schema(request=s.ProposeSerializer, responses=s.ClassificationProposalSerializer)
    @action(detail=True, methods=["post"], url_path="propose-classification")
    def propose_classification(self, request, pk=None):
        """Propose a worse class (with a reason) for a risk officer to approve."""
        body = s.ProposeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = services.classification_propose(
            loan=self.get_object(), user=request.user, **body.validated_data
        )
        return Response(
            s.ClassificationProposalSerializer(proposal).data, status=status.HTTP_201_CREATED
        )


class ClassificationProposalViewSet(viewsets.ReadOnlyModelViewSet):
    """`/api/v1/classification-proposals/`: proposals and the risk officer's decision."""

    serializer_class = s.ClassificationProposalSerializer
    filterset_fields = ["status", "loan"]

    def get_queryset(self):
        return ClassificationProposal.objects.visible_to(self.request.user)

    @extend_schema(request=s.DecisionNoteSerializer, responses=s.ClassificationProposalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve: the loan's class becomes the worse of the floor and the proposal."""
        body = s.DecisionNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = services.classification_proposal_approve(
            proposal=self.get_object(), user=request.user, note=body.validated_data["note"]
        )
        return Response(s.ClassificationProposalSerializer(proposal).data)

    @extend_schema(request=s.DecisionNoteSerializer, responses=s.ClassificationProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject with a note; the loan keeps its class."""
        body = s.DecisionNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = services.classification_proposal_reject(
            proposal=self.get_object(), user=request.user, note=body.validated_data["note"]
        )
        return Response(s.ClassificationProposalSerializer(proposal).data)
