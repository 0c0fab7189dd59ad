"""API routes of the customers app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import ContactViewSet, CustomerViewSet, FinancialStatementViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("customers", CustomerViewSet, basename="customer")

CHILD_LIST = {"get": "list", "post": "create"}
CHILD_DETAIL = {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}

urlpatterns = [
    *router.urls,
    path(
        "customers/<int:customer_pk>/contacts/",
        ContactViewSet.as_view(CHILD_LIST),
        name="customer-contact-list",
    ),
    path(
        "customers/<int:customer_pk>/contacts/<int:pk>/",
        ContactViewSet.as_view(CHILD_DETAIL),
        name="customer-contact-detail",
    ),
    path(
        "customers/<int:customer_pk>/financial-statements/",
        FinancialStatementViewSet.as_view(CHILD_LIST),
        name="customer-statement-list",
    ),
    path(
        "customers/<int:customer_pk>/financial-statements/<int:pk>/",
        FinancialStatementViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="customer-statement-detail",
    ),
]
