"""The mediator's vault pages (``/coffre/…``): a person's vault, consents, credentials, documents.

Thin views: every vault object is fetched by an ``access_*`` helper (:mod:`rgpd.selectors.access`:
a 404, or a refusal journaled and shown as a 403), every write goes through
:mod:`rgpd.services`, every page showing a personal record journals the read. Responses
carrying a secret are never cached; secrets are marked sensitive for error reports.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.internal.flows.reauthentication import (
    did_recently_reauthenticate,
    suspend_request,
)
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from accompagnement.models import Usager
from accompagnement.selectors import search_usagers
from mds.forms import add_service_error
from mds.permissions import request_user, role_required

from ...forms.dpo import SearchForm
from ...forms.vault import ConsentForm, CredentialForm, DestroyForm, DocumentForm, RevealForm
from ...models import ConsentSignature, JournalReason, PurposeCode
from ...rules import VAULT_ROLE, VaultRefused
from ...selectors import access
from ...selectors.consents import dependents, has_signature, live_consent
from ...selectors.reads import journal_read
from ...selectors.vault import person_vault as person_vault_data
from ...services import consents, credentials, documents
from ...uploads import BoundedMemoryUploadHandler, max_document_bytes
from .. import selectors
from . import no_store

ViewFunc = Callable[..., HttpResponse]


def _refused(request: HttpRequest, refusal: VaultRefused) -> HttpResponse:
    return render(request, "rgpd/refused.html", {"message": refusal.message}, status=403)


def vault_object_view(view: ViewFunc) -> ViewFunc:
    """Login required; the role and the MDS are checked by the ``access_*`` helper the view
    calls, so that a refusal (role without vault rights, another MDS) is journaled with the
    object's id before the 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except VaultRefused as refusal:
            return _refused(request, refusal)

    wrapper.allowed_roles = frozenset({VAULT_ROLE})  # type: ignore[attr-defined]
    return wrapper


def _usager(request: HttpRequest, usager_id: int) -> Usager:
    return selectors.access_usager(request_user(request), usager_id, selectors.VAULT)


def _reauth_url(request: HttpRequest, next_url: str) -> str:
    return f"{reverse('account_reauthenticate')}?{urlencode({'next': next_url})}"


# --------------------------------------------------------------------------------------------
# Finding a person, their vault, their consents
# --------------------------------------------------------------------------------------------


@role_required(VAULT_ROLE)
def vault_home(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: list[Usager] = []
    if form.is_valid():
        results = list(
            search_usagers(selectors.vault_usagers(request.user), form.cleaned_data["q"])
        )
    return render(
        request,
        "rgpd/vault_home.html",
        {"form": form, "results": results, "searched": bool(request.GET.get("q"))},
    )


@never_cache
@role_required(VAULT_ROLE)
def person_vault(request: HttpRequest, usager_id: int) -> HttpResponse:
    usager = _usager(request, usager_id)
    journal_read(actor=request_user(request), target=usager)
    return render(
        request,
        "rgpd/person_vault.html",
        {"vault": person_vault_data(usager=usager), "usager": usager, "now": timezone.now()},
    )


@role_required(VAULT_ROLE)
def consent_new(request: HttpRequest, usager_id: int) -> HttpResponse:
    usager = _usager(request, usager_id)
    form = ConsentForm(request.POST or None, initial={"purpose": request.GET.get("finalite")})
    if request.method == "POST" and form.is_valid():
        try:
            consent = consents.record_consent(
                actor=request_user(request),
                usager=usager,
                purpose_code=form.cleaned_data["purpose"],
                method=form.cleaned_data["method"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                signature_png=form.cleaned_data["signature_png"],
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


@never_cache
@vault_object_view
def consent_proof(request: HttpRequest, consent_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    consent = access.access_consent(user, consent_id, access.VIEW)
    journal_read(actor=user, target=consent)
    return render(
        request,
        "rgpd/consent_proof.html",
        {"consent": consent, "signed": has_signature(consent)},
    )


@never_cache
@vault_object_view
def consent_signature(request: HttpRequest, consent_id: uuid.UUID) -> HttpResponse:
    """The signature drawn on the tablet, decrypted for the proof page: same access as the
    proof, journaled (``view_signature``), never cached or stored by the browser."""
    user = request_user(request)
    consent = access.access_consent(user, consent_id, access.VIEW)
    try:
        png = consents.read_signature(actor=user, consent=consent)
    except ConsentSignature.DoesNotExist:
        raise Http404(_("Aucune signature pour ce consentement.")) from None
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return no_store(response)


@vault_object_view
def consent_withdraw(request: HttpRequest, consent_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    consent = access.access_consent(user, consent_id, access.WITHDRAW)
    if request.method == "POST":
        destroyed = consents.withdraw_consent(actor=user, consent=consent)
        messages.success(
            request,
            _("Consentement retiré. Secrets détruits immédiatement : %(count)d.")
            % {"count": destroyed},
        )
        return redirect("rgpd:person_vault", usager_id=consent.usager_id)
    return render(
        request,
        "rgpd/consent_withdraw.html",
        {"consent": consent, "dependents": dependents(consent)},
    )


# --------------------------------------------------------------------------------------------
# Temporary credentials
# --------------------------------------------------------------------------------------------


@sensitive_post_parameters("identifier", "secret")
@role_required(VAULT_ROLE)
@never_cache
def credential_new(request: HttpRequest, usager_id: int) -> HttpResponse:
    usager = _usager(request, usager_id)
    form = CredentialForm(request.POST or None)
    has_consent = live_consent(usager=usager, purpose_code=PurposeCode.CREDENTIAL)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            credential = credentials.store_credential(
                actor=request_user(request),
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


@sensitive_post_parameters("note")
@vault_object_view
@never_cache
def credential_reveal(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    posted = request.method == "POST"
    credential = access.access_credential(
        user, credential_id, access.REVEAL if posted else access.VIEW
    )
    reauthenticated = did_recently_reauthenticate(request)
    here = request.get_full_path()
    form = RevealForm(request.POST or None, initial={"reason": request.GET.get("motif")})
    if posted and form.is_valid():
        reason = form.cleaned_data["reason"]  # the optional note is dropped, never kept
        try:
            revealed = credentials.reveal_credential(
                actor=user,
                credential=credential,
                reason=reason,
                recently_reauthenticated=reauthenticated,
            )
        except VaultRefused as refusal:
            if refusal.reason == JournalReason.REFUSED_NO_REAUTH:
                messages.warning(request, refusal.message)
                return redirect(_reauth_url(request, here))
            return _refused(request, refusal)
        if reason == JournalReason.HAND_OVER:
            return _sheet(request, revealed)
        return no_store(
            render(
                request,
                "rgpd/credential_revealed.html",
                {"revealed": revealed, "credential": credential},
            )
        )
    if request.method == "GET":
        journal_read(actor=user, target=credential)
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


def _sheet(request: HttpRequest, revealed: credentials.RevealedCredential) -> HttpResponse:
    context = {"revealed": revealed, "credential": revealed.credential}
    return no_store(render(request, "rgpd/credential_sheet.html", context))


@vault_object_view
@never_cache
def credential_hand_over(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    """ "Remettre à la personne (feuille)": the button is the one confirmation. The POST reveals
    the credential with the reason "remise à la personne" (journaled as a hand-over) and shows
    the printable sheet. Without a recent re-authentication, the POST is kept by allauth and
    replayed once the password is typed, so the sheet follows the password with no second click.
    """
    user = request_user(request)
    if request.method != "POST":
        # A reload or a bookmark: back to the page that asks first, nothing is revealed by a GET.
        url = reverse("rgpd:credential_reveal", kwargs={"credential_id": credential_id})
        return redirect(f"{url}?{urlencode({'motif': JournalReason.HAND_OVER})}")
    credential = access.access_credential(user, credential_id, access.REVEAL)
    try:
        revealed = credentials.reveal_credential(
            actor=user,
            credential=credential,
            reason=JournalReason.HAND_OVER,
            recently_reauthenticated=did_recently_reauthenticate(request),
        )
    except VaultRefused as refusal:
        if refusal.reason == JournalReason.REFUSED_NO_REAUTH:
            messages.warning(request, refusal.message)
            return suspend_request(request, reverse("account_reauthenticate"))
        return _refused(request, refusal)
    return _sheet(request, revealed)


@vault_object_view
def credential_destroy(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    credential = access.access_credential(user, credential_id, access.DESTROY)
    form = DestroyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credentials.destroy_credential(
            actor=user, credential=credential, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Identifiants détruits : le coffre ne les garde plus."))
        return redirect("rgpd:person_vault", usager_id=credential.usager_id)
    return render(
        request,
        "rgpd/destroy.html",
        {"item": credential, "form": form, "what": _("ces identifiants")},
    )


# --------------------------------------------------------------------------------------------
# Scanned documents
# --------------------------------------------------------------------------------------------


@csrf_exempt  # the upload handler must be set before the CSRF check reads the body
@role_required(VAULT_ROLE)
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
    has_consent = live_consent(usager=usager, purpose_code=PurposeCode.DOCUMENT)
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
                documents.store_document(
                    actor=request_user(request),
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


@vault_object_view
@never_cache
def document_download(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    posted = request.method == "POST"
    document = access.access_document(user, document_id, access.DOWNLOAD if posted else access.VIEW)
    reauthenticated = did_recently_reauthenticate(request)
    here = request.get_full_path()
    form = RevealForm(request.POST or None)
    if posted and form.is_valid():
        try:
            downloaded = documents.download_document(
                actor=user,
                document=document,
                reason=form.cleaned_data["reason"],
                recently_reauthenticated=reauthenticated,
            )
        except VaultRefused as refusal:
            if refusal.reason == JournalReason.REFUSED_NO_REAUTH:
                messages.warning(request, refusal.message)
                return redirect(_reauth_url(request, here))
            return _refused(request, refusal)
        response = HttpResponse(downloaded.content, content_type=document.content_type)
        response["Content-Disposition"] = f'attachment; filename="{downloaded.filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return no_store(response)
    if request.method == "GET":
        journal_read(actor=user, target=document)
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


@vault_object_view
def document_destroy(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    document = access.access_document(user, document_id, access.DESTROY)
    form = DestroyForm(request.POST or None, initial={"reason": JournalReason.PERSON_PRESENT})
    if request.method == "POST" and form.is_valid():
        documents.destroy_document(
            actor=user, document=document, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Document détruit : le coffre ne le garde plus."))
        return redirect("rgpd:person_vault", usager_id=document.usager_id)
    return render(
        request, "rgpd/destroy.html", {"item": document, "form": form, "what": _("ce document")}
    )
