from django.urls import path

from .views import dpo, vault

app_name = "rgpd"
urlpatterns = [
    # Mediator: the vault
    path("coffre/", vault.vault_home, name="vault_home"),
    path("coffre/personne/<int:usager_id>/", vault.person_vault, name="person_vault"),
    path("coffre/personne/<int:usager_id>/consentement/", vault.consent_new, name="consent_new"),
    path(
        "coffre/personne/<int:usager_id>/identifiants/",
        vault.credential_new,
        name="credential_new",
    ),
    path("coffre/personne/<int:usager_id>/document/", vault.document_new, name="document_new"),
    path("coffre/consentement/<uuid:consent_id>/", vault.consent_proof, name="consent_proof"),
    path(
        "coffre/consentement/<uuid:consent_id>/signature.png",
        vault.consent_signature,
        name="consent_signature",
    ),
    path(
        "coffre/consentement/<uuid:consent_id>/retrait/",
        vault.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "coffre/identifiants/<uuid:credential_id>/",
        vault.credential_reveal,
        name="credential_reveal",
    ),
    path(
        "coffre/identifiants/<uuid:credential_id>/remise/",
        vault.credential_hand_over,
        name="credential_hand_over",
    ),
    path(
        "coffre/identifiants/<uuid:credential_id>/supprimer/",
        vault.credential_destroy,
        name="credential_destroy",
    ),
    path("coffre/document/<uuid:document_id>/", vault.document_download, name="document_download"),
    path(
        "coffre/document/<uuid:document_id>/supprimer/",
        vault.document_destroy,
        name="document_destroy",
    ),
    # DPO
    path("rgpd/", dpo.home, name="home"),
    path("rgpd/personnes/", dpo.person_search, name="person_search"),
    path("rgpd/personnes/<int:usager_id>/", dpo.person_export, name="person_export"),
    path(
        "rgpd/personnes/<int:usager_id>/export.json",
        dpo.person_export_json,
        name="person_export_json",
    ),
    path("rgpd/personnes/<int:usager_id>/effacer/", dpo.person_erase, name="person_erase"),
    path("rgpd/registre/", dpo.register, name="register"),
    path("rgpd/journal/", dpo.journal_view, name="journal"),
]
