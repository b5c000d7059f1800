from django.urls import path, re_path

from . import views

app_name = "pilotage"
urlpatterns = [
    path("pilotage/", views.home, name="home"),
    path("pilotage/accueil/", views.accueil, name="accueil"),
    path("pilotage/mediation/", views.mediation, name="mediation"),
    path("pilotage/orientations/", views.orientations, name="orientations"),
    path("pilotage/publics/", views.publics, name="publics"),
    path("pilotage/rgpd/", views.rgpd, name="rgpd"),
    path("pilotage/bilan/", views.bilan, name="bilan"),
    path("pilotage/mon-activite/", views.my_activity, name="my_activity"),
    re_path(
        r"^pilotage/export/(?P<section>ensemble|accueil|mediation|orientations|publics)/"
        r"(?P<name>[a-z-]+)\.(?P<fmt>csv|xlsx)$",
        views.export,
        name="export",
    ),
    re_path(
        r"^pilotage/export/rgpd/(?P<name>[a-z-]+)\.(?P<fmt>csv|xlsx)$",
        views.rgpd_export,
        name="rgpd_export",
    ),
    re_path(
        r"^pilotage/export/accompagnements-coop\.(?P<fmt>csv|xlsx)$",
        views.coop_export,
        name="coop_export",
    ),
]
