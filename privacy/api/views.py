"""Thin viewsets of the data-protection API: scoped through the customer, writes via services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from customers.api.views import ModelActionPermissions
from customers.models import Contact
from customers.selectors import customer_get

from .. import services
from ..models import Consent, ShareRecord
from .serializers import ConsentSerializer, ShareRecordSerializer, WithdrawSerializer


class PrivacyPermissions(ModelActionPermissions):
    """Model permissions per action; withdrawing a consent changes it."""

    extra = {"withdraw": ["privacy.change_consent"]}


class CustomerScopedMixin:
    """Rows under `/customers/{customer_pk}/...`: the customer must be in the caller's scope."""

    permission_classes = [PrivacyPermissions]

    def get_customer(self):
        if not hasattr(self, "_customer"):
            self._customer = customer_get(user=self.request.user, pk=self.kwargs["customer_pk"])
        return self._customer

    def get_contact(self):
        if "contact_pk" not in self.kwargs:
            return None
        if not hasattr(self, "_contact"):
            self._contact = get_object_or_404(
                Contact, customer=self.get_customer(), pk=self.kwargs["contact_pk"]
            )
        return self._contact

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and "customer_pk" in self.kwargs:
            context["customer"] = self.get_customer()
        return context


class ConsentViewSet(
    CustomerScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Consents of a customer's people (`/customers/{id}/consents/`) or of one contact
    (`/customers/{id}/contacts/{cid}/consents/`). No update or delete: withdraw instead."""

    serializer_class = ConsentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Consent.objects.none()
        queryset = (
            Consent.objects.visible_to(self.request.user)
            .filter(customer=self.get_customer())
            .select_related("contact", "guarantor")
            .order_by("-given_at", "-id")
        )
        contact = self.get_contact()
        return queryset.filter(contact=contact) if contact is not None else queryset

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        contact = self.get_contact() or data.pop("contact", None)
        data.pop("contact", None)
        serializer.instance = services.consent_give(
            user=self.request.user,
            customer=self.get_customer(),
            contact=contact,
            guarantor=data.pop("guarantor", None),
            **data,
        )

    @extend_schema(request=WithdrawSerializer, responses={200: ConsentSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        """Record the person's withdrawal (409 when already withdrawn); the row stays."""
        consent = self.get_object()
        body = WithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        consent = services.consent_withdraw(
            user=request.user, consent=consent, note=body.validated_data.get("note", "")
        )
        return Response(self.get_serializer(consent).data)


class ShareRecordViewSet(
    CustomerScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """`/customers/{id}/shares/`: the share log. A consent-based share without an active
    consent covering its purpose and scope is refused with 400 and nothing is written."""

    serializer_class = ShareRecordSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ShareRecord.objects.none()
        return (
            ShareRecord.objects.visible_to(self.request.user)
            .filter(customer=self.get_customer())
            .select_related("contact", "responsible", "consent")
            .order_by("-shared_on", "-id")
        )

    def perform_create(self, serializer):
        serializer.instance = services.share_record(
            user=self.request.user,
            customer=self.get_customer(),
            request=self.request,
            **serializer.validated_data,
        )
