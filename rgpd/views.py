"""Vault pages for mediators (/coffre/…) and data-protection pages for the DPO (/rgpd/…).

Thin views: permissions through ``mds.permissions``, rules in ``rgpd.services`` and
``rgpd.rights``, reads in ``rgpd.selectors``. Pages showing a person, a consent, a credential or
a document journal the read (:func:`rgpd.services.journal_read`). Responses carrying a secret
are never cached; secrets are marked sensitive for error reports.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accompagnement.models import Usager
from mds.forms import add_service_error
from mds.models import User
from mds.permissions import can_act_in, role_required
from mds.roles import Role

from . import journal, rights, selectors, services
from .forms import (
    ConsentForm,
    CredentialForm,
    DestroyForm,
    DocumentForm,
    EraseForm,
    RevealForm,
    SearchForm,
)
from .models import (
    Consent,
    JournalAction,
    JournalReason,
    ScannedDocument,
    TemporaryCredential,
)
from .register import CATEGORIES
from .uploads import BoundedMemoryUploadHandler, max_document_bytes

MEDIATEUR = Role.MEDIATEUR
DPO = Role.DPO


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    response["Pragma"] = "no-cache"
    return response


# --------------------------------------------------------------------------------------------
# Mediator: finding a person, their vault
# --------------------------------------------------------------------------------------------


def _usager(request: HttpRequest, usager_id: int) -> Usager:
    return get_object_or_404(selectors.vault_usagers(request.user), pk=usager_id)


def _vault_item(
    request: HttpRequest, model: type[TemporaryCredential] | type[ScannedDocument], pk: uuid.UUID
) -> Any:
    """The item whatever its MDS: the services journal a refusal for another MDS."""
    item = model.objects.select_related("secret", "consent", "usager", "mds").filter(pk=pk).first()
    if item is None:
        raise Http404(_("Élément introuvable."))
    return item


def _require_same_mds(request: HttpRequest, mds_id: int) -> None:
    if not can_act_in(request.user, mds_id, MEDIATEUR):
        raise PermissionDenied(_("Cet élément appartient à une autre MDS."))


@role_required(MEDIATEUR)
def vault_home(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: list[Usager] = []
    if form.is_valid():
        results = list(
            selectors.search_usagers(selectors.vault_usagers(request.user), form.cleaned_data["q"])
        )
    return render(
        request,
        "rgpd/vault_home.html",
        {"form": form, "results": results, "searched": bool(request.GET.get("q"))},
    )


@never_cache
@role_required(MEDIATEUR)
def person_vault(request: HttpRequest, usager_id: int) -> HttpResponse:
    usager = _usager(request, usager_id)
    services.journal_read(actor=_user(request), target=usager)
    return render(
        request,
        "rgpd/person_vault.html",
        {
            "vault": selectors.person_vault(usager=usager),
            "usager": usager,
            "now": timezone.now(),
        },
    )


@role_required(MEDIATEUR)
def consent_new(request: HttpRequest, usager_id: int) -> HttpResponse:
    usager = _usager(request, usager_id)
    form = ConsentForm(request.POST or None, initial={"purpose": request.GET.get("finalite")})
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.record_consent(
                actor=_user(request),
                usager=usager,
                purpose_code=form.cleaned_data["purpose"],
                method=form.cleaned_data["method"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Consentement enregistré : « %(purpose)s ».") % {"purpose": consent.purpose},
            )
            return redirect("rgpd:person_vault", usager_id=usager.pk)
    return render(
        request,
        "rgpd/consent_form.html",
        {"form": form, "usager": usager},
        status=400 if request.method == "POST" else 200,
    )


def _consent(request: HttpRequest, consent_id: uuid.UUID) -> Consent:
    consent = (
        Consent.objects.select_related("purpose", "text", "usager", "mds", "witnessed_by")
        .filter(pk=consent_id)
        .first()
    )
    if consent is None:
        raise Http404(_("Consentement introuvable."))
    if not can_act_in(request.user, consent.mds_id, MEDIATEUR):
        raise PermissionDenied(_("Ce consentement appartient à une autre MDS."))
    return consent


@never_cache
@role_required(MEDIATEUR)
def consent_proof(request: HttpRequest, consent_id: uuid.UUID) -> HttpResponse:
    consent = _consent(request, consent_id)
    services.journal_read(actor=_user(request), target=consent)
    return render(request, "rgpd/consent_proof.html", {"consent": consent})


@role_required(MEDIATEUR)
def consent_withdraw(request: HttpRequest, consent_id: uuid.UUID) -> HttpResponse:
    consent = _consent(request, consent_id)
    if request.method == "POST":
        destroyed = services.withdraw_consent(actor=_user(request), consent=consent)
        messages.success(
            request,
            _("Consentement retiré. Secrets détruits immédiatement : %(count)d.")
            % {"count": destroyed},
        )
        return redirect("rgpd:person_vault", usager_id=consent.usager_id)
    dependents = services._dependents(consent)
    return render(
        request, "rgpd/consent_withdraw.html", {"consent": consent, "dependents": dependents}
    )


# --------------------------------------------------------------------------------------------
# Mediator: temporary credentials
# --------------------------------------------------------------------------------------------


@sensitive_post_parameters("identifier", "secret")
@role_required(MEDIATEUR)
@never_cache
def credential_new(request: HttpRequest, usager_id: int) -> HttpResponse:
    usager = _usager(request, usager_id)
    form = CredentialForm(request.POST or None)
    has_consent = services.live_consent(usager=usager, purpose_code="temporary_credential")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            credential = services.store_credential(
                actor=_user(request),
                usager=usager,
                service=data["service"],
                identifier=data["identifier"],
                secret=data["secret"],
                ttl_days=data["ttl_days"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Identifiants gardés dans le coffre jusqu'au %(date)s.")
                % {"date": timezone.localtime(credential.secret.expires_at).strftime("%d/%m/%Y")},
            )
            return redirect("rgpd:person_vault", usager_id=usager.pk)
    return render(
        request,
        "rgpd/credential_form.html",
        {"form": form, "usager": usager, "has_consent": has_consent},
        status=400 if request.method == "POST" else 200,
    )


def _reauth_url(request: HttpRequest, next_url: str) -> str:
    return f"{reverse('account_reauthenticate')}?{urlencode({'next': next_url})}"


@sensitive_post_parameters("note")
@role_required(MEDIATEUR)
@never_cache
def credential_reveal(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    credential: TemporaryCredential = _vault_item(request, TemporaryCredential, credential_id)
    user = _user(request)
    reauthenticated = did_recently_reauthenticate(request)
    here = request.get_full_path()
    form = RevealForm(request.POST or None, initial={"reason": request.GET.get("motif")})
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]  # the optional note is dropped, never kept
        try:
            revealed = services.reveal_credential(
                actor=user,
                credential=credential,
                reason=reason,
                recently_reauthenticated=reauthenticated,
            )
        except services.VaultRefused as refusal:
            if refusal.reason == JournalReason.REFUSED_NO_REAUTH:
                messages.warning(request, refusal.message)
                return redirect(_reauth_url(request, here))
            return _refused(request, refusal)
        template = (
            "rgpd/credential_sheet.html"
            if reason == JournalReason.HAND_OVER
            else "rgpd/credential_revealed.html"
        )
        return _no_store(
            render(
                request,
                template,
                {"revealed": revealed, "credential": credential, "destroy_form": DestroyForm()},
            )
        )
    _require_same_mds(request, credential.mds_id)
    if request.method == "GET":
        services.journal_read(actor=user, target=credential)
    return render(
        request,
        "rgpd/credential_reveal.html",
        {
            "credential": credential,
            "form": form,
            "reauthenticated": reauthenticated,
            "reauth_url": _reauth_url(request, here),
        },
    )


def _refused(request: HttpRequest, refusal: services.VaultRefused) -> HttpResponse:
    return render(request, "rgpd/refused.html", {"message": refusal.message}, status=403)


@role_required(MEDIATEUR)
def credential_destroy(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    credential: TemporaryCredential = _vault_item(request, TemporaryCredential, credential_id)
    _require_same_mds(request, credential.mds_id)
    form = DestroyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.destroy_credential(
            actor=_user(request), credential=credential, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Identifiants détruits : le coffre ne les garde plus."))
        return redirect("rgpd:person_vault", usager_id=credential.usager_id)
    return render(
        request,
        "rgpd/destroy.html",
        {"item": credential, "form": form, "what": _("ces identifiants")},
    )


# --------------------------------------------------------------------------------------------
# Mediator: scanned documents
# --------------------------------------------------------------------------------------------


@csrf_exempt  # the upload handler must be set before the CSRF check reads the body
@role_required(MEDIATEUR)
def document_new(request: HttpRequest, usager_id: int) -> HttpResponse:
    handler = BoundedMemoryUploadHandler(request)
    if request.method == "POST":
        # Only this handler: the file stays in memory, never in a temporary file on disk.
        request.upload_handlers = [handler]
    return _document_new(request, usager_id, handler)


@csrf_protect
def _document_new(
    request: HttpRequest, usager_id: int, handler: BoundedMemoryUploadHandler
) -> HttpResponse:
    usager = _usager(request, usager_id)
    form = DocumentForm(request.POST or None, request.FILES or None)
    has_consent = services.live_consent(usager=usager, purpose_code="scanned_document")
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        if handler.too_large:
            form.add_error(
                "file",
                _("Fichier trop volumineux : %(max)d Mo au plus. Rien n'a été enregistré.")
                % {"max": max_document_bytes() // (1024 * 1024)},
            )
        elif upload is None:
            form.add_error("file", _("Photographiez le document ou choisissez un fichier."))
        else:
            try:
                services.store_document(
                    actor=_user(request),
                    usager=usager,
                    kind=form.cleaned_data["kind"],
                    content=upload.read(),
                    ttl_hours=form.cleaned_data["ttl_hours"],
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Document chiffré et gardé dans le coffre."))
                return redirect("rgpd:person_vault", usager_id=usager.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "rgpd/document_form.html",
        {"form": form, "usager": usager, "has_consent": has_consent},
        status=status,
    )


@role_required(MEDIATEUR)
@never_cache
def document_download(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    document: ScannedDocument = _vault_item(request, ScannedDocument, document_id)
    user = _user(request)
    reauthenticated = did_recently_reauthenticate(request)
    here = request.get_full_path()
    form = RevealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            downloaded = services.download_document(
                actor=user,
                document=document,
                reason=form.cleaned_data["reason"],
                recently_reauthenticated=reauthenticated,
            )
        except services.VaultRefused as refusal:
            if refusal.reason == JournalReason.REFUSED_NO_REAUTH:
                messages.warning(request, refusal.message)
                return redirect(_reauth_url(request, here))
            return _refused(request, refusal)
        response = HttpResponse(downloaded.content, content_type=document.content_type)
        response["Content-Disposition"] = f'attachment; filename="{downloaded.filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return _no_store(response)
    _require_same_mds(request, document.mds_id)
    if request.method == "GET":
        services.journal_read(actor=user, target=document)
    return render(
        request,
        "rgpd/document_download.html",
        {
            "document": document,
            "form": form,
            "reauthenticated": reauthenticated,
            "reauth_url": _reauth_url(request, here),
        },
    )


@role_required(MEDIATEUR)
def document_destroy(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    document: ScannedDocument = _vault_item(request, ScannedDocument, document_id)
    _require_same_mds(request, document.mds_id)
    form = DestroyForm(request.POST or None, initial={"reason": JournalReason.PERSON_PRESENT})
    if request.method == "POST" and form.is_valid():
        services.destroy_document(
            actor=_user(request), document=document, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Document détruit : le coffre ne le garde plus."))
        return redirect("rgpd:person_vault", usager_id=document.usager_id)
    return render(
        request, "rgpd/destroy.html", {"item": document, "form": form, "what": _("ce document")}
    )


# --------------------------------------------------------------------------------------------
# DPO
# --------------------------------------------------------------------------------------------


@role_required(DPO)
def home(request: HttpRequest) -> HttpResponse:
    report = journal.verify_chain()
    return render(
        request,
        "rgpd/home.html",
        {
            "report": report,
            "counts": selectors.live_secret_counts(),
            "search_form": SearchForm(),
        },
    )


def _dpo_usager(request: HttpRequest, usager_id: int) -> Usager:
    return get_object_or_404(selectors.all_usagers_for_dpo(request.user), pk=usager_id)


@role_required(DPO)
def person_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: list[Usager] = []
    if form.is_valid():
        results = list(
            selectors.search_usagers(
                selectors.all_usagers_for_dpo(request.user), form.cleaned_data["q"]
            )
        )
    return render(
        request,
        "rgpd/person_search.html",
        {"form": form, "results": results, "searched": bool(request.GET.get("q"))},
    )


@role_required(DPO)
@never_cache
def person_export(request: HttpRequest, usager_id: int) -> HttpResponse:
    usager = _dpo_usager(request, usager_id)
    export = rights.export_person(actor=_user(request), usager=usager)
    return _no_store(
        render(request, "rgpd/person_export.html", {"usager": usager, "export": export})
    )


@role_required(DPO)
@never_cache
def person_export_json(request: HttpRequest, usager_id: int) -> HttpResponse:
    usager = _dpo_usager(request, usager_id)
    export = rights.export_person(actor=_user(request), usager=usager)
    body = json.dumps(export.as_json(), ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="personne-{usager.pk}.json"'
    return _no_store(response)


@role_required(DPO)
@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, usager_id: int) -> HttpResponse:
    usager = _dpo_usager(request, usager_id)
    form = EraseForm(request.POST or None, expected=usager.pk)
    if request.method == "POST" and form.is_valid():
        rights.erase_person(actor=_user(request), usager=usager)
        messages.success(
            request,
            _("Personne n° %(pk)d anonymisée : secrets détruits, textes libres effacés.")
            % {"pk": usager.pk},
        )
        return redirect("rgpd:person_search")
    summary = rights.collect_person(usager=usager)
    return render(
        request, "rgpd/person_erase.html", {"usager": usager, "form": form, "summary": summary}
    )


@role_required(DPO)
def register(request: HttpRequest) -> HttpResponse:
    return render(request, "rgpd/register.html", {"categories": CATEGORIES})


@role_required(DPO)
def journal_view(request: HttpRequest) -> HttpResponse:
    target_type = request.GET.get("type", "")[:40]
    target_id = request.GET.get("id", "")[:64]
    with transaction.atomic():
        journal.record(
            actor=_user(request),
            action=JournalAction.VIEW_JOURNAL,
            target_type="journal",
            reason=JournalReason.DPO_CONTROL,
        )
    entries = selectors.recent_journal(target_type=target_type, target_id=target_id)
    return render(
        request,
        "rgpd/journal.html",
        {"entries": entries, "target_type": target_type, "target_id": target_id},
    )
