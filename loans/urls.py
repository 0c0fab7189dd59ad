"""Browser pages of the loans app."""

from django.urls import path

from . import views

app_name = "loans"

urlpatterns = [
    path("", views.loan_list, name="loan-list"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/new/", views.application_create, name="application-create"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path(
        "applications/<int:pk>/actions/<slug:action>/",
        views.application_action,
        name="application-action",
    ),
    path("applications/<int:pk>/materials/", views.materials_update, name="materials-update"),
    path("applications/<int:pk>/collateral/", views.collateral_add, name="collateral-add"),
    path(
        "applications/<int:pk>/collateral/<int:item_id>/remove/",
        views.collateral_remove,
        name="collateral-remove",
    ),
    path("applications/<int:pk>/guarantors/", views.guarantor_add, name="guarantor-add"),
    path(
        "applications/<int:pk>/guarantors/<int:guarantor_id>/remove/",
        views.guarantor_remove,
        name="guarantor-remove",
    ),
    path("<int:pk>/", views.loan_detail, name="loan-detail"),
    path("<int:pk>/repayments/", views.repayment_create, name="repayment-create"),
    path(
        "<int:pk>/repayments/<int:repayment_id>/reverse/",
        views.repayment_reverse,
        name="repayment-reverse",
    ),
    path("<int:pk>/propose-classification/", views.classification_propose, name="propose"),
    path(
        "<int:pk>/proposals/<int:proposal_id>/<str:decision>/",
        views.proposal_decide,
        name="proposal-decide",
    ),
]
