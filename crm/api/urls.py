"""`/api/v1/`: every app's API, the token endpoint, the OpenAPI schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its JavaScript as a file, so the docs work under our CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include("customers.api.urls")),
    path("", include("loans.api.urls")),
    path("", include("risk.api.urls")),
    path("", include("interactions.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("privacy.api.urls")),
]
