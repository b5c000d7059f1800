from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("mediation/usagers/<int:pk>/contact/", views.contact, name="contact"),
]
