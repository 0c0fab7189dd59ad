"""API routes of the loans app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("loan-products", views.LoanProductViewSet, basename="loan-product")
router.register("loan-applications", views.LoanApplicationViewSet, basename="loan-application")
router.register("loans", views.LoanViewSet, basename="loan")
router.register(
    "classification-proposals",
    views.ClassificationProposalViewSet,
    basename="classification-proposal",
)

urlpatterns = router.urls
