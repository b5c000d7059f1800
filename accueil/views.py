from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from mds.home_pages import render_role_home
from mds.permissions import role_required
from mds.roles import Role


@role_required(Role.ACCUEIL)
def home(request: HttpRequest) -> HttpResponse:
    return render_role_home(
        request,
        title=_("Accueil"),
        intro=_("Enregistrer l'arrivée des visiteurs et gérer la file d'attente de votre MDS."),
        coming=[
            _("Enregistrement d'un passage en trois touches, anonyme par défaut"),
            _("File d'attente par priorité et heure d'arrivée"),
            _("Écran d'appel pour la salle d'attente (FR, EN, AR)"),
        ],
        roles=(Role.ACCUEIL,),
    )


@role_required(Role.SECRETARIAT)
def secretariat_home(request: HttpRequest) -> HttpResponse:
    return render_role_home(
        request,
        title=_("Secrétariat"),
        intro=_("Rendez-vous et file d'attente de votre MDS."),
        coming=[_("Appeler le visiteur suivant"), _("Rendez-vous des travailleurs sociaux")],
        roles=(Role.SECRETARIAT,),
    )
