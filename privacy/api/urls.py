"""API routes of the data-protection app, mounted under /api/v1/."""

from django.urls import path

from .views import ConsentViewSet, ShareRecordViewSet

LIST = {"get": "list", "post": "create"}
DETAIL = {"get": "retrieve"}
WITHDRAW = {"post": "withdraw"}

urlpatterns = [
    path(
        "customers/<int:customer_pk>/consents/",
        ConsentViewSet.as_view(LIST),
        name="customer-consent-list",
    ),
    path(
        "customers/<int:customer_pk>/consents/<int:pk>/",
        ConsentViewSet.as_view(DETAIL),
        name="customer-consent-detail",
    ),
    path(
        "customers/<int:customer_pk>/consents/<int:pk>/withdraw/",
        ConsentViewSet.as_view(WITHDRAW),
        name="customer-consent-withdraw",
    ),
    path(
        "customers/<int:customer_pk>/contacts/<int:contact_pk>/consents/",
        ConsentViewSet.as_view(LIST),
        name="contact-consent-list",
    ),
    path(
        "customers/<int:customer_pk>/contacts/<int:contact_pk>/consents/<int:pk>/",
        ConsentViewSet.as_view(DETAIL),
        name="contact-consent-detail",
    ),
    path(
        "customers/<int:customer_pk>/contacts/<int:contact_pk>/consents/<int:pk>/withdraw/",
        ConsentViewSet.as_view(WITHDRAW),
        name="contact-consent-withdraw",
    ),
    path(
        "customers/<int:customer_pk>/shares/",
        ShareRecordViewSet.as_view(LIST),
        name="customer-share-list",
    ),
    path(
        "customers/<int:customer_pk>/shares/<int:pk>/",
        ShareRecordViewSet.as_view(DETAIL),
        name="customer-share-detail",
    ),
]
