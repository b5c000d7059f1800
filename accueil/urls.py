from django.urls import path

from . import views

app_name = "accueil"
urlpatterns = [
    path("accueil/", views.home, name="home"),
    path("secretariat/", views.secretariat_home, name="secretariat_home"),
]
