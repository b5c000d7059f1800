"""Forms of the accompagnement app, one module per idea (the same names as ``models/`` and
``services/``). They parse and label; the rules live in the services, whose refusals land on the
form through :func:`mds.forms.add_service_error`. Free text is stored as typed: templates escape
it on output."""

from .ateliers import AtelierForm
from .sessions import (
    DateInput,
    DemarcheForm,
    SessionForm,
    create_profile_from,
    demarche_formset,
    redisplay,
)
from .usagers import UsagerForm

__all__ = [
    "AtelierForm",
    "DateInput",
    "DemarcheForm",
    "SessionForm",
    "UsagerForm",
    "create_profile_from",
    "demarche_formset",
    "redisplay",
]
