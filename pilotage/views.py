from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from mds.home_pages import render_role_home
from mds.permissions import role_required
from mds.roles import Role


@role_required(Role.DIRECTION, Role.DIRECTION_DEPARTEMENTALE)
def home(request: HttpRequest) -> HttpResponse:
    return render_role_home(
        request,
        title=_("Pilotage"),
        intro=_("L'activité de vos services, sans surveillance individuelle."),
        coming=[
            _("Passages par jour, par heure et jour de semaine, temps d'attente"),
            _("Démarches, organismes, part du « faire avec » et du « faire pour »"),
            _("Exports CSV et XLSX aux colonnes documentées"),
        ],
        roles=(Role.DIRECTION, Role.DIRECTION_DEPARTEMENTALE),
    )
