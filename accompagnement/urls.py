from django.urls import path

from . import views

app_name = "accompagnement"
urlpatterns = [
    path("mediation/", views.mediateur_home, name="mediateur_home"),
    path("orientations/", views.social_home, name="social_home"),
]
