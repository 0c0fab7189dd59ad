"""Browser pages of the customers app."""

from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="customer-list"),
    path("new/", views.customer_create, name="customer-create"),
    path("import/", views.customer_import, name="customer-import"),
    path("import/template.csv", views.import_template, name="import-template"),
    path("export/", views.customer_export, name="customer-export"),
    path("reviews/", views.review_list, name="review-list"),
    path("<int:pk>/", views.customer_detail, name="customer-detail"),
    path("<int:pk>/tab/<str:key>/", views.customer_tab, name="customer-tab"),
    path("<int:pk>/edit/", views.customer_edit, name="customer-edit"),
    path("<int:pk>/classification/", views.customer_classify, name="customer-classify"),
    path("<int:pk>/review/", views.customer_review, name="customer-review"),
    path("<int:pk>/reassign/", views.customer_reassign, name="customer-reassign"),
    path(
        "<int:pk>/soft-information/reveal/",
        views.soft_information_reveal,
        name="soft-information-reveal",
    ),
    path("<int:pk>/contacts/new/", views.contact_edit, name="contact-create"),
    path("<int:pk>/contacts/<int:contact_pk>/", views.contact_edit, name="contact-edit"),
    path("<int:pk>/contacts/<int:contact_pk>/delete/", views.contact_delete, name="contact-delete"),
    path("<int:pk>/contacts/<int:contact_pk>/reveal/", views.contact_reveal, name="contact-reveal"),
    path("<int:pk>/statements/new/", views.statement_edit, name="statement-create"),
    path("<int:pk>/statements/<int:statement_pk>/", views.statement_edit, name="statement-edit"),
    path("<int:pk>/needs/new/", views.need_edit, name="need-create"),
    path("<int:pk>/needs/<int:need_pk>/", views.need_edit, name="need-edit"),
    path("<int:pk>/relations/new/", views.relation_add, name="relation-create"),
    path(
        "<int:pk>/relations/<int:relation_pk>/delete/",
        views.relation_delete,
        name="relation-delete",
    ),
    path("<int:pk>/onboarding/", views.onboarding_record, name="onboarding-record"),
    path("<int:pk>/criteria/", views.criterion_record, name="criterion-record"),
]
