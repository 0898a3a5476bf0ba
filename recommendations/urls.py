from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("", views.TrackerView.as_view(), name="tracker"),
]
