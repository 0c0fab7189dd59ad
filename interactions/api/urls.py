"""API routes of the interactions app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("interactions", views.InteractionViewSet, basename="interaction")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("service-requests", views.ServiceRequestViewSet, basename="service-request")
router.register("surveys/responses", views.SurveyResponseViewSet, basename="survey-response")
router.register("visit-plans", views.VisitPlanViewSet, basename="visit-plan")
router.register(
    "improvement-actions", views.ImprovementActionViewSet, basename="improvement-action"
)

urlpatterns = [
    path("surveys/summary/", views.SurveySummaryView.as_view(), name="survey-summary"),
    *router.urls,
]
