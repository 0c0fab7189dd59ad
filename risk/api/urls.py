"""API routes of the risk app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import AlertViewSet, CustomerRiskScoreList

router = SimpleRouter()
router.register("alerts", AlertViewSet, basename="alert")

urlpatterns = [
    path(
        "customers/<int:customer_id>/risk-scores/",
        CustomerRiskScoreList.as_view(),
        name="customer-risk-scores",
    ),
    *router.urls,
]
