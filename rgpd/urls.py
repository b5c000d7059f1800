from django.urls import path

from . import views

app_name = "rgpd"
urlpatterns = [path("rgpd/", views.home, name="home")]
