from django.urls import path

from . import views

app_name = "accompagnement"
urlpatterns = [
    path("mediation/", views.mediateur_home, name="mediateur_home"),
    path("mediation/accompagnement/", views.session_new, name="session_new"),
    path("mediation/suivi/<int:pk>/solder/", views.follow_up_close, name="follow_up_close"),
    path("mediation/droits/<int:pk>/verifie/", views.right_checked, name="right_checked"),
    path("mediation/usagers/", views.usager_list, name="usagers"),
    path("mediation/usagers/choisir/", views.usager_picker, name="usager_picker"),
    path("mediation/usagers/nouveau/", views.usager_new, name="usager_new"),
    path("mediation/usagers/<int:pk>/", views.usager_detail, name="usager"),
    path("mediation/ateliers/", views.atelier_list, name="ateliers"),
    path("mediation/ateliers/nouveau/", views.atelier_new, name="atelier_new"),
]
