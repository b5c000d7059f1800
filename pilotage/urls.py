from django.urls import path

from . import views

app_name = "pilotage"
urlpatterns = [path("pilotage/", views.home, name="home")]
