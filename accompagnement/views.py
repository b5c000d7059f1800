"""Médiation views: thin; rules in services, reads in selectors, access through mds.permissions."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accueil.selectors import passage_for
from mds.forms import parse_id
from mds.permissions import current_mds_or_404, request_user, role_required
from mds.roles import Role
from rgpd.selectors.reads import journal_read

from . import selectors
from .forms import AtelierForm, SessionForm, UsagerForm
from .models import (
    MODE_OF_HELP_DEFINITIONS,
    MediationSession,
    ModeOfHelp,
)
from .services.demarches import MAX_DEMARCHES
from .services.rules import mark_right_checked
from .services.sessions import close_follow_up


@role_required(Role.MEDIATEUR)
def mediateur_home(request: HttpRequest) -> HttpResponse:
    """The mediator's day: call the next visitor, log, follow-ups due, recent sessions."""
    user = request_user(request)
    passage_id = parse_id(request.GET.get("passage"))
    if passage_id is not None:
        # Coming from "Recevoir" at the desk: straight to the session form for that ticket.
        return redirect(f"{reverse('accompagnement:session_new')}?passage={passage_id}")
    mds = current_mds_or_404(request, Role.MEDIATEUR)
    return render(
        request,
        "accompagnement/mediateur_home.html",
        {
            "mds": mds,
            "follow_ups": selectors.follow_ups_due(mediator=user, today=timezone.localdate())[:20],
            "upcoming": selectors.upcoming_appointments(mediator=user, today=timezone.localdate())[
                :20
            ],
            "recent": selectors.recent_sessions(mediator=user, mds=mds),
        },
    )


def _next_step(request: HttpRequest, session: MediationSession) -> str | None:
    """ "Enregistrer et orienter": the form names the next page (a local path only); it
    receives the session and the person, so this app needs to know nothing of that page."""
    target = request.POST.get("next", "")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    query = {"origin_session": session.pk}
    if session.usager_id:
        query["usager"] = session.usager_id
    return f"{target}?{urlencode(query)}"


@role_required(Role.MEDIATEUR)
def session_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    mds = current_mds_or_404(request, Role.MEDIATEUR)
    source = request.POST if request.method == "POST" else request.GET
    passage = None
    passage_id = parse_id(source.get("passage"))
    if passage_id is not None:
        passage = passage_for(user=user, pk=passage_id)
        if passage is None or passage.mds_id != mds.pk:
            raise Http404
    # Defaults of the common case: today, 30 min, done (one tap less each).
    initial = selectors.session_form_defaults(from_passage=passage is not None)
    usager_id = parse_id(request.GET.get("usager"))
    if usager_id is not None:
        initial["usager"] = selectors.usager_for(user, usager_id)
    demarche_initial = None
    kind = parse_id(request.GET.get("aide"))
    if kind is not None:
        demarche_initial = [
            {"kind_of_help": kind, "organisme": parse_id(request.GET.get("organisme"))}
        ]
    extra = min(parse_id(request.GET.get("demarches")) or 1, MAX_DEMARCHES) - 1
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        mediator=user,
        mds=mds,
        initial=initial,
        passage=passage,
        extra_demarches=extra,
        demarche_initial=demarche_initial,
    )
    if request.method == "POST" and form.is_valid():
        session = form.save()
        if session is not None:
            messages.success(request, _("Accompagnement enregistré."))
            after = _next_step(request, session)
            if after is not None:
                return redirect(after)
            if session.usager_id:
                return redirect("accompagnement:usager", pk=session.usager_id)
            return redirect("accompagnement:mediateur_home")
    return render(
        request,
        "accompagnement/session_form.html",
        {
            "form": form,
            "mds": mds,
            "passage": passage,
            "shortcuts": selectors.last_choices(mediator=user),
            "modes": [(mode, MODE_OF_HELP_DEFINITIONS[mode]) for mode in ModeOfHelp],
            "more_demarches": extra + 2,
            # for the link to the faire-pour consent: only a well-formed id
            "chosen_usager": parse_id(str(form["usager"].value() or "")),
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.MEDIATEUR)
def usager_list(request: HttpRequest) -> HttpResponse:
    mds = current_mds_or_404(request, Role.MEDIATEUR)
    query = request.GET.get("q", "").strip()[:80]
    return render(
        request,
        "accompagnement/usager_list.html",
        {"usagers": selectors.usagers_of(request.user, mds, query), "query": query},
    )


@role_required(Role.MEDIATEUR)
def usager_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = UsagerForm(
        request.POST if request.method == "POST" else None,
        created_by=user,
        mds=current_mds_or_404(request, Role.MEDIATEUR),
    )
    if request.method == "POST" and form.is_valid():
        usager = form.save()
        if usager is not None:
            messages.success(request, _("Profil créé."))
            return redirect("accompagnement:usager", pk=usager.pk)
    return render(
        request,
        "accompagnement/usager_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


#: Badge colours of the five modes, from autonomy (green) to faire pour (dark red).
MODE_BADGES = {
    ModeOfHelp(1): "mode-1",
    ModeOfHelp(2): "mode-2",
    ModeOfHelp(3): "mode-3",
    ModeOfHelp(4): "mode-4",
    ModeOfHelp(5): "mode-5",
}


@never_cache
@role_required(Role.MEDIATEUR)
def usager_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The person page: profile, history, and the trajectory of modes of help."""
    usager = selectors.usager_for(request.user, pk)
    if usager is None:
        raise Http404
    sessions = selectors.usager_history(request.user, usager)
    trajectory = selectors.mode_trajectory(usager=usager)
    # Who viewed which person is journaled (RGPD): the DPO can answer "who saw my file?".
    journal_read(actor=request.user, target=usager, mds=usager.mds)  # type: ignore[arg-type]
    return render(
        request,
        "accompagnement/usager_detail.html",
        {
            "usager": usager,
            "sessions": sessions,
            "upcoming": selectors.usager_upcoming(request.user, usager, today=timezone.localdate()),
            "trajectory": [(point, MODE_BADGES[point.least_autonomous]) for point in trajectory],
            "modes": [(mode, MODE_BADGES[mode]) for mode in ModeOfHelp],
        },
    )


@require_POST
@role_required(Role.MEDIATEUR)
def follow_up_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    session = selectors.own_session(mediator=user, pk=pk)
    if session is None:
        raise Http404
    try:
        close_follow_up(session=session, user=user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Suivi soldé."))
    return redirect("accompagnement:mediateur_home")


@require_POST
@role_required(Role.MEDIATEUR)
def right_checked(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a suggested related right (droit connexe) as checked with the person."""
    user = request_user(request)
    check = selectors.right_check_for(user, pk)
    if check is None:
        raise Http404
    mark_right_checked(check=check, user=user)
    messages.success(request, _("Droit connexe noté comme vérifié."))
    if check.session.usager_id:
        return redirect("accompagnement:usager", pk=check.session.usager_id)
    return redirect("accompagnement:mediateur_home")


ATELIER_TITLE = gettext_lazy("Atelier collectif")


@role_required(Role.MEDIATEUR)
def atelier_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = AtelierForm(
        request.POST if request.method == "POST" else None,
        animator=user,
        mds=current_mds_or_404(request, Role.MEDIATEUR),
    )
    if request.method == "POST" and form.is_valid():
        atelier = form.save()
        if atelier is not None:
            messages.success(request, _("Atelier enregistré."))
            return redirect("accompagnement:ateliers")
    return render(
        request,
        "accompagnement/atelier_form.html",
        {"form": form, "title": ATELIER_TITLE},
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.MEDIATEUR)
def atelier_list(request: HttpRequest) -> HttpResponse:
    ateliers = selectors.ateliers_of(request.user, current_mds_or_404(request, Role.MEDIATEUR))
    return render(request, "accompagnement/atelier_list.html", {"ateliers": ateliers})
