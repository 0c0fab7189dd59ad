"""Browser pages of the loans app."""

app_name = "loans"

urlpatterns: list = []
