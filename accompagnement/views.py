"""Médiation views: thin; rules in services, reads in selectors, access through mds.permissions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
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

from accueil.models import Passage
from accueil.selectors import passage_for
from mds.forms import parse_id
from mds.idempotency import new_key
from mds.models import MDS, User
from mds.permissions import current_mds_or_404, request_user, role_required
from mds.roles import Role
from rgpd.selectors.reads import journal_read

from . import selectors
from .forms import AtelierForm, SessionForm, UsagerForm, create_profile_from, redisplay
from .models import (
    AUTONOMY_STEPS,
    MODE_OF_HELP_DEFINITIONS,
    MediationSession,
    ModeOfHelp,
    autonomy_step,
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


#: The session form's secondary buttons (``name="action"``): they redisplay the form with
#: everything kept instead of saving it, so they work without JavaScript.
SEARCH = "chercher"
CREATE_PROFILE = "creer_profil"


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
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in (SEARCH, CREATE_PROFILE):
        return _session_draft(request, action=action, user=user, mds=mds, passage=passage)
    # Defaults of the common case: today, 30 min, done (one tap less each).
    initial = selectors.session_form_defaults(from_passage=passage is not None)
    usager_id = parse_id(request.GET.get("usager"))
    if usager_id is not None:
        initial["usager"] = selectors.usager_for(user, usager_id)
    elif passage is not None and passage.alias:
        # The first name typed at the desk, as a search already run (a suggestion, not a choice).
        initial["usager_query"] = passage.alias
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
    return _render_session_form(
        request,
        form=form,
        mds=mds,
        passage=passage,
        more_demarches=extra + 2,
        status=400 if request.method == "POST" else 200,
    )


def _session_draft(
    request: HttpRequest, *, action: str, user: User, mds: MDS, passage: Passage | None
) -> HttpResponse:
    """ "Chercher" or "Créer le profil" in the session form: the same form again, everything
    typed kept (ticket, origin, démarches, key), with the new person selected."""
    overrides: dict[str, Any] = {}
    status = 200
    if action == CREATE_PROFILE:
        usager, problems = create_profile_from(request.POST, mediator=user, mds=mds)
        if usager is None:
            for problem in problems:
                messages.error(request, problem)
            status = 400
        else:
            overrides = {"usager": usager.pk, "new_usager_key": new_key()}
            messages.success(
                request, _("Profil « %(name)s » créé et choisi.") % {"name": usager.display_name}
            )
    form = redisplay(request.POST, mediator=user, mds=mds, passage=passage, overrides=overrides)
    return _render_session_form(
        request,
        form=form,
        mds=mds,
        passage=passage,
        more_demarches=len(form.demarches.forms) + 1,
        status=status,
    )


def _render_session_form(
    request: HttpRequest,
    *,
    form: SessionForm,
    mds: MDS,
    passage: Passage | None,
    more_demarches: int,
    status: int,
) -> HttpResponse:
    user = request_user(request)
    chosen = form["usager"].value()
    chosen = chosen.pk if hasattr(chosen, "pk") else chosen
    picker = selectors.usager_picker(
        user, mds, query=str(form["usager_query"].value() or ""), selected=chosen
    )
    # The folded parts open by themselves when they need the mediator (an error, a value).
    details_fields = (
        *("date", "duration_preset", "duration_custom", "origin", "outcome"),
        *("next_appointment", "file_number"),
    )
    return render(
        request,
        "accompagnement/session_form.html",
        {
            "form": form,
            "mds": mds,
            "passage": passage,
            "picker": picker,
            "shortcuts": selectors.last_choices(mediator=user),
            "modes": [(mode, MODE_OF_HELP_DEFINITIONS[mode]) for mode in ModeOfHelp],
            "more_demarches": more_demarches,
            # for the link to the faire-pour consent: only a well-formed id
            "chosen_usager": picker.selected.pk if picker.selected else None,
            "open_when": any(form[name].errors for name in details_fields)
            or not form["origin"].value(),
            "open_note": bool(form["note"].errors or form["note"].value()),
            "open_faire_pour": bool(
                form["faire_pour_reason"].errors
                or form["consent_recorded"].errors
                or form["faire_pour_reason"].value()
            ),
        },
        status=status,
    )


@role_required(Role.MEDIATEUR)
def usager_picker(request: HttpRequest) -> HttpResponse:
    """The picker's results alone, for htmx while the mediator types (the full form page does
    the same search without JavaScript)."""
    user = request_user(request)
    mds = current_mds_or_404(request, Role.MEDIATEUR)
    picker = selectors.usager_picker(
        user,
        mds,
        query=request.GET.get("usager_query", ""),
        selected=request.GET.get("usager", ""),
    )
    return render(request, "accompagnement/_usager_picker_results.html", {"picker": picker})


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


@dataclass(frozen=True)
class ScaleStep:
    """A mode placed on the ordered scale toward autonomy (text, and segments for the eye)."""

    mode: ModeOfHelp
    step: int
    total: int = AUTONOMY_STEPS

    @property
    def segments(self) -> list[bool]:
        return [n <= self.step for n in range(1, self.total + 1)]


def scale_step(mode: int) -> ScaleStep:
    return ScaleStep(mode=ModeOfHelp(mode), step=autonomy_step(mode))


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
            "trajectory": [(point, scale_step(point.least_autonomous)) for point in trajectory],
            # the legend, in the order of the scale: faire pour (1) … laisser faire (5)
            "scale": sorted((scale_step(mode) for mode in ModeOfHelp), key=lambda s: s.step),
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
