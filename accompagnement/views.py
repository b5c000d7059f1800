from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from mds.home_pages import render_role_home
from mds.permissions import role_required
from mds.roles import Role


@role_required(Role.MEDIATEUR)
def mediateur_home(request: HttpRequest) -> HttpResponse:
    return render_role_home(
        request,
        title=_("Médiation numérique"),
        intro=_("Prendre le visiteur suivant et noter l'accompagnement en moins de 30 secondes."),
        coming=[
            _("Journal des accompagnements : faire avec, faire pour…"),
            _("Mes suivis à relancer"),
            _("Coffre temporaire pour identifiants et documents, avec consentement"),
        ],
        roles=(Role.MEDIATEUR,),
    )


@role_required(Role.TRAVAILLEUR_SOCIAL)
def social_home(request: HttpRequest) -> HttpResponse:
    return render_role_home(
        request,
        title=_("Orientations reçues"),
        intro=_("Les personnes orientées vers vous, et elles seulement."),
        coming=[_("Orientations à traiter"), _("Orienter vers le médiateur numérique")],
        roles=(Role.TRAVAILLEUR_SOCIAL,),
    )
