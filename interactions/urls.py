"""Browser pages of the interactions app."""

app_name = "interactions"

urlpatterns: list = []
