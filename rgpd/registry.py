"""What other apps declare to the vault, in their ``AppConfig.ready()``.

The vault, the journal and the consents sit below the domain apps: they never import them. An
app showing personal records journals each read (:func:`rgpd.selectors.reads.journal_read`);
it first declares which journal action and target type a read of its model is, here, by model
label (``"accompagnement.Usager"``), so this module imports no model and can be imported from
an ``apps.py`` at module top::

    class AccompagnementConfig(AppConfig):
        def ready(self) -> None:
            register_read_action(
                "accompagnement.Usager", action="view_person", target_type="usager"
            )
"""

from __future__ import annotations

from typing import NamedTuple


class ReadAction(NamedTuple):
    action: str  # a rgpd.models.JournalAction value
    target_type: str


#: Model label (lower case) → how a read of one of its rows is journaled. The vault's own models
#: are declared here; the other apps add theirs.
_READ_ACTIONS: dict[str, ReadAction] = {
    "rgpd.consent": ReadAction("view_consent", "consent"),
    "rgpd.temporarycredential": ReadAction("view_credential", "credential"),
    "rgpd.scanneddocument": ReadAction("view_document", "document"),
}


def register_read_action(model_label: str, *, action: str, target_type: str) -> None:
    """Declare how reads of ``model_label`` ("app_label.ModelName") are journaled."""
    _READ_ACTIONS[model_label.lower()] = ReadAction(action, target_type)


def read_action(model_label: str) -> ReadAction:
    try:
        return _READ_ACTIONS[model_label.lower()]
    except KeyError:
        raise LookupError(
            f"{model_label} : déclarez ses lectures avec rgpd.registry.register_read_action "
            "dans AppConfig.ready()."
        ) from None
