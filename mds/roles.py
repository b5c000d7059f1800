"""The roles of MDS Connectée. Kept apart from models so that settings-free code can import it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ACCUEIL = "accueil", _("Agent d'accueil")
    MEDIATEUR = "mediateur", _("Médiateur numérique (ME MSN)")
    TRAVAILLEUR_SOCIAL = "travailleur_social", _("Travailleur social")
    SECRETARIAT = "secretariat", _("Secrétariat")
    DIRECTION = "direction", _("Direction de MDS")
    DIRECTION_DEPARTEMENTALE = "direction_departementale", _("Direction départementale")
    ADMIN = "admin", _("Administrateur")
    DPO = "dpo", _("Délégué à la protection des données")


#: Roles that act for the whole Département: their membership has no MDS and they see every MDS.
DEPARTMENTAL_ROLES: frozenset[str] = frozenset(
    {Role.DIRECTION_DEPARTEMENTALE, Role.ADMIN, Role.DPO}
)

#: Roles that reach the vault, the journal, the admin or department-wide figures: TOTP is
#: mandatory (DESIGN "Security baseline"). The mediator reaches the vault (people's passwords).
MFA_REQUIRED_ROLES: frozenset[str] = frozenset(
    {Role.MEDIATEUR, Role.DIRECTION, Role.DIRECTION_DEPARTEMENTALE, Role.ADMIN, Role.DPO}
)

#: Roles that may open the Django admin (still subject to model permissions).
ADMIN_SITE_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.DPO})
