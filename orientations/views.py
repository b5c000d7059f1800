"""Orientation views: thin; rules in services/rules, reads in selectors, access through
``mds.permissions`` and :func:`orientations.selectors.access_referral`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accompagnement.models import MediationSession
from accompagnement.selectors import sessions_visible_to
from mds.forms import add_service_error, parse_id
from mds.models import User
from mds.permissions import current_mds, current_mds_or_404, request_user, role_required
from mds.roles import Role
from rgpd.models import JournalReason
from rgpd.selectors.reads import journal_read

from . import directory, rules, selectors, services, sheet
from .forms import (
    AcceptForm,
    CloseForm,
    DeclineForm,
    DirectorySearchForm,
    ImportForm,
    ReferralForm,
)
from .models import SENDER_ROLES, TARGET_ROLES, Referral
from .reference import THEMATIQUES

RECEIVERS = (*TARGET_ROLES,)
#: Rows shown in the inbox (oldest and most urgent first); the counts above give the total.
INBOX_SIZE = 50
DIRECTORY_ROLES = (*SENDER_ROLES,)


@role_required(*RECEIVERS)
def inbox(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    mds = current_mds_or_404(request, *RECEIVERS)
    rows = list(selectors.inbox(user=user, mds=mds)[:INBOX_SIZE])
    now = timezone.now()
    return render(
        request,
        "orientations/inbox.html",
        {
            "mds": mds,
            "rows": rows,
            "now": now,
            "counts": selectors.home_counts(user=user, mds=mds),
        },
    )


@role_required(*SENDER_ROLES)
def sent(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "orientations/sent.html",
        {"rows": list(selectors.sent_by(user=user)), "mds": current_mds(request, *SENDER_ROLES)},
    )


@role_required(Role.DIRECTION)
def overview(request: HttpRequest) -> HttpResponse:
    """The MDS direction: every referral of the MDS with its state (never a note)."""
    user = request_user(request)
    mds = current_mds_or_404(request, Role.DIRECTION)
    rows = list(selectors.of_mds(user=user, mds=mds))
    return render(
        request,
        "orientations/overview.html",
        {"mds": mds, "rows": rows, "counts": selectors.home_counts(user=user, mds=mds)},
    )


@role_required(*SENDER_ROLES)
def referral_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    mds = current_mds_or_404(request, *SENDER_ROLES)
    source = request.POST if request.method == "POST" else request.GET
    usager = selectors.sender_usager(user=user, mds=mds, pk=parse_id(source.get("usager")))
    session = None
    if (session_id := parse_id(source.get("origin_session"))) is not None:
        session = selectors.origin_session(user=user, mds=mds, pk=session_id)
    passage = None
    if (passage_id := parse_id(source.get("origin_passage"))) is not None:
        passage = selectors.origin_passage(mds=mds, pk=passage_id)
    initial: dict[str, Any] = {
        "usager": usager.pk if usager else None,
        "origin_session": session.pk if session else None,
        "origin_passage": passage.pk if passage else None,
        "pseudonym": passage.alias if passage and not usager else "",
    }
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        mds=mds,
        user_id=user.pk,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            kind, value = form.target_parts()
            try:
                referral = services.send_referral(
                    actor=user,
                    mds=mds,
                    reason_category=form.cleaned_data["reason_category"],
                    consent_given=form.cleaned_data["consent_given"],
                    usager=usager,
                    pseudonym=form.cleaned_data["pseudonym"],
                    target_role=str(value) if kind == "role" else "",
                    recipient=selectors.active_user(value) if kind == "user" else None,
                    partner=selectors.partner(value) if kind == "partner" else None,
                    needs=form.cleaned_data["needs"],
                    urgency=form.cleaned_data["urgency"],
                    note=form.cleaned_data["note"],
                    restricted=form.cleaned_data["restricted"],
                    origin_session=session,
                    origin_passage=passage,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Orientation envoyée."))
                return redirect("orientations:detail", pk=referral.pk)
    from .services import share_consent_text

    try:
        consent_text = share_consent_text()[1]
    except ValidationError:
        consent_text = None
    return render(
        request,
        "orientations/referral_form.html",
        {"form": form, "usager": usager, "session": session, "consent_text": consent_text},
        status=status,
    )


def _referral_or_404(request: HttpRequest, pk: int, action: str = rules.VIEW) -> Any:
    referral = selectors.access_referral(request_user(request), pk, action)
    if referral is None:
        raise Http404
    return referral


@role_required(*SENDER_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    referral = _referral_or_404(request, pk)
    if referral.state == "sent" and rules.may(user, referral, rules.ACT):
        referral = services.mark_seen(actor=user, referral=referral)
        referral = _referral_or_404(request, pk)
    journal_read(actor=user, target=referral, mds=referral.mds)
    sessions = _person_sessions(user, referral)
    return render(
        request,
        "orientations/detail.html",
        {
            "referral": referral,
            "events": list(selectors.history(referral)),
            "may_act": referral.is_waiting and rules.may(user, referral, rules.ACT),
            "may_close": "closed" in referral.allowed_next()
            and rules.may(user, referral, rules.CLOSE),
            "may_take": referral.is_waiting
            and referral.recipient_id is None
            and referral.target_kind == "role"
            and rules.may(user, referral, rules.ACT),
            "sessions": sessions,
        },
    )


def _person_sessions(user: User, referral: Referral) -> list[MediationSession]:
    """The person's mediation sessions, for a recipient who accepted the referral (while open
    and some days after); showing them is a read of the person's file, journaled."""
    if (
        referral.usager_id is None
        or referral.recipient_id != user.pk
        or referral.sender_id == user.pk
    ):
        return []
    sessions = list(
        sessions_visible_to(user)
        .filter(usager_id=referral.usager_id)
        .select_related("outcome")
        .prefetch_related("demarches__organisme", "demarches__kind_of_help")
        .order_by("-date", "-created_at")[:50]
    )
    if sessions and referral.usager is not None:
        journal_read(
            actor=user,
            target=referral.usager,
            mds=referral.mds,
            reason=JournalReason.SOCIAL_FOLLOW_UP,
        )
    return sessions


def _act(
    request: HttpRequest, pk: int, form_class: type[Form], action: str, template: str
) -> HttpResponse:
    user = request_user(request)
    referral = _referral_or_404(request, pk, rules.VIEW)
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if form_class is AcceptForm:
                    services.accept_referral(actor=user, referral=referral, **form.cleaned_data)
                    messages.success(request, _("Orientation acceptée, rendez-vous noté."))
                elif form_class is DeclineForm:
                    services.decline_referral(
                        actor=user,
                        referral=referral,
                        reason=form.cleaned_data["reason"],
                        message=form.cleaned_data["message"],
                    )
                    messages.success(request, _("Orientation refusée ; l'envoyeur est prévenu."))
                else:
                    services.close_referral(
                        actor=user, referral=referral, outcome=form.cleaned_data["outcome"]
                    )
                    messages.success(request, _("Orientation clôturée."))
            except services.ReferralRefused as refused:
                messages.error(request, refused.message)
                return redirect("orientations:detail", pk=pk)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                return redirect("orientations:detail", pk=pk)
    elif not rules.may(user, referral, action):
        rules.journal_refusal(actor=user, referral=referral)
        raise Http404
    return render(request, template, {"referral": referral, "form": form}, status=status)


@role_required(*RECEIVERS)
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, AcceptForm, rules.ACT, "orientations/accept.html")


@role_required(*RECEIVERS)
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, DeclineForm, rules.ACT, "orientations/decline.html")


@role_required(*SENDER_ROLES)
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, CloseForm, rules.CLOSE, "orientations/close.html")


@require_POST
@role_required(*RECEIVERS)
def take(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    referral = _referral_or_404(request, pk)
    try:
        services.take_referral(actor=user, referral=referral)
    except services.ReferralRefused as refused:
        messages.error(request, refused.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Vous prenez cette orientation."))
    return redirect("orientations:detail", pk=pk)


# --------------------------------------------------------------------------------------------
# Directory
# --------------------------------------------------------------------------------------------


@role_required(*DIRECTORY_ROLES)
def directory_search(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(
        request.GET or None, thematiques=list(THEMATIQUES), communes=selectors.communes()
    )
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "thematique": form.cleaned_data["thematique"],
            "weekday": form.cleaned_data["jour"],
            "commune": form.cleaned_data["commune"],
        }
    partners = list(selectors.search_partners(**filters)[:100])
    labels = dict(THEMATIQUES)
    for partner in partners:
        partner.theme_labels = [labels.get(t, t) for t in partner.thematiques]  # type: ignore[attr-defined]
    return render(request, "orientations/directory.html", {"form": form, "partners": partners})


@role_required(*DIRECTORY_ROLES)
def partner_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable orientation sheet for the person: where, when, what to bring (one page,
    large type, in French, English or Arabic)."""
    partner = selectors.partner(pk, active_only=True)
    if partner is None:
        raise Http404
    language = request.GET.get("langue", "fr")
    if language not in sheet.SHEET_LANGUAGES:
        language = "fr"
    days = sheet.WEEKDAYS[language]
    offers = sheet.OFFERS[language]
    slots = [
        {
            "day": days[p.weekday],
            "hours": f"{p.starts_at:%H:%M} – {p.ends_at:%H:%M}",
            "offers": [offers[o] for o in p.offers if o in offers],
        }
        for p in partner.permanences.order_by("weekday", "starts_at")
    ]
    return render(
        request,
        "orientations/sheet.html",
        {
            "partner": partner,
            "slots": slots,
            "text": sheet.SHEET_TEXT[language],
            "sheet_language": language,
            "rtl": language in sheet.RTL_LANGUAGES,
            "languages": sheet.SHEET_LANGUAGES,
        },
    )


@role_required(Role.ADMIN)
def directory_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            form.add_error("file", _("Fichier trop gros (5 Mo au plus)."))
            status = 400
        else:
            report = directory.import_partners(upload.read(), filename=upload.name)
            if report.ok:
                messages.success(
                    request,
                    _("%(c)d partenaire(s) ajouté(s), %(u)d mis à jour.")
                    % {"c": report.created, "u": report.updated},
                )
            else:
                status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request, "orientations/import.html", {"form": form, "report": report}, status=status
    )
