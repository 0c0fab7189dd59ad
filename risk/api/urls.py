"""API routes of the risk app, mounted under /api/v1/."""

urlpatterns: list = []
