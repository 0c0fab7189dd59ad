"""Browser pages of the risk app."""

app_name = "risk"

urlpatterns: list = []
