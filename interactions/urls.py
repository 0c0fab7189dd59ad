"""Browser pages of the interactions app."""

from django.urls import path

from . import views

app_name = "interactions"

urlpatterns = [
    path("", views.interaction_list, name="interaction-list"),
    path("<int:pk>/", views.interaction_detail, name="interaction-detail"),
    path(
        "customers/<int:customer_id>/timeline/",
        views.customer_timeline,
        name="customer-timeline",
    ),
    path("contact-choices/", views.contact_choices, name="contact-choices"),
    path("visits/", views.visit_plan_list, name="visit-plan-list"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task-complete"),
    path("service-requests/", views.service_request_list, name="service-request-list"),
    path("service-requests/new/", views.service_request_create, name="service-request-create"),
    path(
        "service-requests/<int:pk>/",
        views.service_request_detail,
        name="service-request-detail",
    ),
    path("surveys/", views.survey_results, name="survey-results"),
    path("surveys/new/", views.survey_create, name="survey-create"),
]
