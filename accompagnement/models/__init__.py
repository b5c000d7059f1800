"""Accompagnement data, one module per idea (the same names as ``services/`` and the tests):

- :mod:`.scales`: fixed scales (the five modes of help, age bands, Coop themes…), as choices;
- :mod:`.reference`: reference tables the admin edits (organismes, kinds of help, origins,
  outcomes, rights, forbidden acts, related-right rules), seeded by data migration 0002;
- :mod:`.usagers`: the light profile of a person helped;
- :mod:`.sessions`: mediation sessions, their démarches and related-right checks;
- :mod:`.ateliers`: collective workshops.

Models hold invariants (database constraints); rules that span several rows live in
:mod:`accompagnement.services`. Everything is re-exported here: Django finds the models through
this module, and ``from accompagnement.models import X`` keeps working (migrations too).
"""

from .ateliers import ATELIER_AGE_FIELDS, ATELIER_GENDER_FIELDS, Atelier
from .reference import (
    ORIGIN_ACCUEIL_QUEUE,
    ForbiddenAct,
    KindOfHelp,
    Organisme,
    Origin,
    Outcome,
    RelatedRightRule,
    SocialRight,
    validate_roles,
)
from .scales import (
    ADMINISTRATIVE_COOP_THEMES,
    AUTONOMY_STEPS,
    DURATION_PRESETS,
    MAX_DURATION_MINUTES,
    MODE_OF_HELP_DEFINITIONS,
    AgeBand,
    AtelierAudience,
    CoopTheme,
    Equipment,
    Gender,
    InternetAtHome,
    ModeOfHelp,
    autonomy_step,
)
from .sessions import NOTE_MAX_LENGTH, Demarche, MediationSession, RelatedRightCheck
from .usagers import DISPLAY_NAME_MAX, Usager, validate_equipment

__all__ = [
    "ADMINISTRATIVE_COOP_THEMES",
    "ATELIER_AGE_FIELDS",
    "ATELIER_GENDER_FIELDS",
    "AUTONOMY_STEPS",
    "DISPLAY_NAME_MAX",
    "DURATION_PRESETS",
    "MAX_DURATION_MINUTES",
    "MODE_OF_HELP_DEFINITIONS",
    "NOTE_MAX_LENGTH",
    "ORIGIN_ACCUEIL_QUEUE",
    "AgeBand",
    "Atelier",
    "AtelierAudience",
    "CoopTheme",
    "Demarche",
    "Equipment",
    "ForbiddenAct",
    "Gender",
    "InternetAtHome",
    "KindOfHelp",
    "MediationSession",
    "ModeOfHelp",
    "Organisme",
    "Origin",
    "Outcome",
    "RelatedRightCheck",
    "RelatedRightRule",
    "SocialRight",
    "Usager",
    "autonomy_step",
    "validate_equipment",
    "validate_roles",
]
