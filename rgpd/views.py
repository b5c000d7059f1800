from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from mds.home_pages import render_role_home
from mds.permissions import role_required
from mds.roles import Role


@role_required(Role.DPO)
def home(request: HttpRequest) -> HttpResponse:
    return render_role_home(
        request,
        title=_("Protection des données"),
        intro=_("Journal d'audit, droits des personnes et registre des traitements."),
        coming=[
            _("Vérification du journal d'audit chaîné"),
            _("Export et effacement des données d'une personne"),
            _("Registre des traitements généré depuis la politique de conservation"),
        ],
        roles=(Role.DPO,),
    )
