"""URL routes of the starter: health, metrics, a landing page and the API root."""

from django.contrib import admin
from django.urls import path

from . import views

urlpatterns = [
    path("", views.index),
    path("health", views.health),
    path("metrics", views.metrics),
    path("api/", views.api_root),
    path("admin/", admin.site.urls),
]
