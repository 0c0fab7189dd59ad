"""Dashboard pages. Un-namespaced: the main navigation links the URL named `dashboard`."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:key>.csv", views.chart_csv, name="dashboard-csv"),
]
