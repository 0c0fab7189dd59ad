"""Browser pages of the data-protection app."""

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("customers/<int:pk>/consents/new/", views.consent_create, name="consent-create"),
    path(
        "customers/<int:pk>/consents/<int:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
    path("customers/<int:pk>/shares/new/", views.share_create, name="share-create"),
    path("retention/", views.retention_list, name="retention-list"),
    path(
        "retention/<int:flag_pk>/anonymise/",
        views.retention_anonymise,
        name="retention-anonymise",
    ),
]
