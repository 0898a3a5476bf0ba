from django.urls import path

from . import views

app_name = "ratings"

urlpatterns = [
    path(
        "standards/<slug:programme>/<slug:slug>/",
        views.StandardDetailView.as_view(),
        name="standard_detail",
    ),
]
