from django.urls import path

from . import views

app_name = "rgpd"
urlpatterns = [
    # Mediator: the vault
    path("coffre/", views.vault_home, name="vault_home"),
    path("coffre/personne/<int:usager_id>/", views.person_vault, name="person_vault"),
    path("coffre/personne/<int:usager_id>/consentement/", views.consent_new, name="consent_new"),
    path(
        "coffre/personne/<int:usager_id>/identifiants/",
        views.credential_new,
        name="credential_new",
    ),
    path("coffre/personne/<int:usager_id>/document/", views.document_new, name="document_new"),
    path("coffre/consentement/<uuid:consent_id>/", views.consent_proof, name="consent_proof"),
    path(
        "coffre/consentement/<uuid:consent_id>/retrait/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "coffre/identifiants/<uuid:credential_id>/",
        views.credential_reveal,
        name="credential_reveal",
    ),
    path(
        "coffre/identifiants/<uuid:credential_id>/supprimer/",
        views.credential_destroy,
        name="credential_destroy",
    ),
    path("coffre/document/<uuid:document_id>/", views.document_download, name="document_download"),
    path(
        "coffre/document/<uuid:document_id>/supprimer/",
        views.document_destroy,
        name="document_destroy",
    ),
    # DPO
    path("rgpd/", views.home, name="home"),
    path("rgpd/personnes/", views.person_search, name="person_search"),
    path("rgpd/personnes/<int:usager_id>/", views.person_export, name="person_export"),
    path(
        "rgpd/personnes/<int:usager_id>/export.json",
        views.person_export_json,
        name="person_export_json",
    ),
    path("rgpd/personnes/<int:usager_id>/effacer/", views.person_erase, name="person_erase"),
    path("rgpd/registre/", views.register, name="register"),
    path("rgpd/journal/", views.journal_view, name="journal"),
]
