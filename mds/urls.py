"""Root URLconf. Every view but login, health and the board requires a role (see permissions)."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from . import views
from .jobs import views as jobs_views

admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "MDS Connectée — administration"
admin.site.site_title = "MDS Connectée"
admin.site.index_title = "Administration du site"

mds_patterns = (
    [
        path("equipe/", views.team, name="team"),
        path("administration/", views.admin_home, name="admin_home"),
        path("administration/taches/", jobs_views.jobs, name="jobs"),
        path("mds/choisir/", views.choose_mds, name="choose_mds"),
    ],
    "mds",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("compte/mon-compte/", views.my_account, name="my_account"),
    path("compte/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include(mds_patterns)),
    path("", include("accueil.urls")),
    path("", include("accompagnement.urls")),
    path("", include("rgpd.pages.urls")),
    path("", include("orientations.urls")),
    path("", include("notifications.urls")),
    path("", include("pilotage.urls")),
    path(
        "accessibilite/",
        TemplateView.as_view(template_name="accessibilite.html"),
        name="accessibility",
    ),
]

handler403 = "mds.errors.permission_denied"
handler404 = "mds.errors.page_not_found"
handler500 = "mds.errors.server_error"
