"""Accueil views: thin; rules live in services, reads in selectors."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST

from mds.forms import add_service_error, parse_id
from mds.idempotency import new_key
from mds.models import MDS
from mds.permissions import current_mds, has_role, reachable_sites, role_required
from mds.roles import Role

from . import selectors, services
from .board import BOARD_LANGUAGES, BOARD_TEXT, RTL_LANGUAGES, board_language
from .forms import ActionForm, CallForm, CheckInForm
from .models import Action, Passage, Status

DESK_SESSION_KEY = "accueil_desk"
#: Professionals who call from their own desk, in the order used when a user has several.
DESK_ROLES = (Role.MEDIATEUR, Role.TRAVAILLEUR_SOCIAL, Role.SECRETARIAT)


def _mds_or_404(request: HttpRequest, *roles: str) -> MDS:
    mds = current_mds(request, *roles)
    if mds is None:
        raise Http404
    return mds


def _posted_mds(request: HttpRequest, raw: str, *, current: MDS) -> MDS | None:
    """The MDS the check-in page was loaded for (a tablet may serve two of the agent's MDS)."""
    pk = parse_id(raw)
    if pk is None:
        return None
    if pk == current.pk:
        return current
    sites = reachable_sites(request.user, *services.CHECKIN_ROLES)
    return next((site for site in sites if site.pk == pk), None)


def _desk(request: HttpRequest, default: str) -> str:
    return str(request.session.get(DESK_SESSION_KEY) or default)


def _queue_context(
    request: HttpRequest, *, mds: MDS, page: str, for_role: str | None = None
) -> dict[str, object]:
    """The waiting list of a page, filtered by ``?motif=`` (a plain GET link: works without
    JS); the 10 s poll and the row buttons' way back keep the filter."""
    queue = selectors.queue_view(
        user=request.user, mds=mds, for_role=for_role, motive_code=request.GET.get("motif", "")
    )
    params = {"pour": for_role or "", "motif": queue.motive.code if queue.motive else ""}
    poll_query = urlencode({key: value for key, value in params.items() if value})
    page_url = reverse(page)
    return {
        "queue": queue,
        "passages": queue.rows,
        "page_url": page_url,
        "poll_url": reverse("accueil:queue_rows") + (f"?{poll_query}" if poll_query else ""),
        "back_url": page_url + (f"?motif={queue.motive.code}" if queue.motive else ""),
    }


@never_cache
@role_required(Role.ACCUEIL)
def home(request: HttpRequest) -> HttpResponse:
    """The agent's screen: the whole waiting list of the MDS and the check-in button."""
    mds = _mds_or_404(request, Role.ACCUEIL)
    context = {"mds": mds, **_queue_context(request, mds=mds, page="accueil:home")}
    return render(request, "accueil/home.html", context)


@gzip_page
@never_cache
@role_required(*services.QUEUE_ROLES)
def queue_rows(request: HttpRequest) -> HttpResponse:
    """The list body alone, polled every 10 s by htmx (static/js/queue.js).

    Bandwidth (a tablet on a 400 kbps link, ~100 people waiting): the answer carries
    ``X-Queue-Version``, a hash of the rows as rendered; a poll that sends back the current
    version gets ``204 No Content`` (htmx swaps nothing). The rows change at least once a minute
    (waiting times), then the new rows go out gzipped.

    BREACH: compressing a response is only dangerous when it holds a secret next to input an
    attacker can reflect into it. These rows hold no secret — no CSRF token (the page's
    ``#queue-actions`` form carries it), no session data — and reflect nothing from the request
    (``?pour`` only selects a role from a fixed list, ``?motif`` a motive of the reference
    list). So this fragment is compressed, as are the check-in and ticket pages (see
    ``_compressed``); pages that echo typed input or hold vault secrets are not, and no
    site-wide GZipMiddleware is used.

    The count and the motive filter above the list travel with the rows as out-of-band swaps
    (``#file-compte``, ``#file-filtre``).
    """
    mds = _mds_or_404(request, *services.QUEUE_ROLES)
    role = request.GET.get("pour")
    for_role = role if role in DESK_ROLES and has_role(request.user, role) else None
    page = "accueil:desk" if for_role is not None else "accueil:home"
    context = _queue_context(request, mds=mds, page=page, for_role=for_role)
    html = render_to_string(
        "accueil/_queue_rows.html",
        {**context, "compact": for_role is not None, "out_of_band": True},
        request=request,
    )
    version = hashlib.blake2b(html.encode(), digest_size=12).hexdigest()
    if request.headers.get("X-Queue-Version") == version:
        response = HttpResponse(status=204)
    else:
        response = HttpResponse(html)
    response["X-Queue-Version"] = version
    return response


@never_cache
@role_required(*services.CHECKIN_ROLES)
def checkin(request: HttpRequest) -> HttpResponse:
    mds = _mds_or_404(request, *services.CHECKIN_ROLES)
    professionals = selectors.appointment_professionals(user=request.user, mds=mds)
    if request.method == "POST":
        form = CheckInForm(request.POST, professionals=professionals)
        posted_mds = request.POST.get("mds", "")
        posted = _posted_mds(request, posted_mds, current=mds) if posted_mds else mds
        if posted is None:
            form.add_error(None, _("MDS inconnue ou qui n'est pas la vôtre : rechargez la page."))
        else:
            mds = posted
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.check_in(
                    mds=mds,
                    agent=request.user,  # type: ignore[arg-type]
                    motive=data["motive"],
                    client_token=data["client_token"],
                    alias=data["alias"],
                    has_appointment=data["has_appointment"],
                    appointment_with=data["appointment_with"],
                    priority=data["priority"] or "",
                    language=data["language"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                if result.outside_opening_hours and result.created:
                    messages.warning(
                        request, _("Passage enregistré hors des horaires d'ouverture de la MDS.")
                    )
                # The ticket in the POST's own answer, not a redirect: one round trip less on
                # the desk's slow link (issue 13). static/js/checkin.js then puts the ticket's
                # URL in the address bar; without JS a reload re-posts the same client_token,
                # which gives back the same ticket (services.check_in is idempotent on it).
                return _ticket_page(request, result.passage)
        status = 400
    else:
        form = CheckInForm(initial={"client_token": new_key()}, professionals=professionals)
        status = 200
    response = render(
        request,
        "accueil/checkin.html",
        {
            "form": form,
            "mds": mds,
            "motives": selectors.active_motives(),
            # For "another visitor" when the tablet offers to retry a check-in whose answer was
            # lost (checkin.js): the retry keeps the form's key, a new visitor gets this one.
            "spare_token": new_key(),
        },
        status=status,
    )
    # A form sent back with errors shows what was typed (the alias): not compressed (BREACH).
    return _compressed(request, response) if status == 200 else response


def _compressed(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """gzip for the check-in and ticket pages: 9 KB → 3 KB on the desk's slow link (issue 13).

    BREACH needs a secret that stays the same across responses next to input the attacker
    reflects into them. These pages reflect nothing from the request (the motive comes from a
    fixed list) and their only secret, the CSRF token, is masked afresh in every response;
    Django's GZipMiddleware also pads each answer with random bytes ("Heal the Breach"). Pages
    that echo typed text back (a form with errors) are sent uncompressed.
    """
    GZipMiddleware(lambda _request: response).process_response(request, response)  # in place
    return response


def _ticket_page(request: HttpRequest, passage: Passage) -> HttpResponse:
    return _compressed(request, render(request, "accueil/ticket.html", {"passage": passage}))


@never_cache
@role_required(*services.CHECKIN_ROLES)
def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    passage = selectors.passage_for(user=request.user, pk=pk)
    if passage is None:
        raise Http404
    return _ticket_page(request, passage)


@role_required(*services.QUEUE_ROLES)
def passage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    passage = selectors.passage_for(user=request.user, pk=pk)
    if passage is None:
        raise Http404
    return render(
        request,
        "accueil/passage.html",
        {
            "passage": passage,
            "form": ActionForm(),
            "events": passage.events.select_related("by"),
            "can_cancel": has_role(request.user, *services.CHECKIN_ROLES),
        },
    )


def _action_message(passage: Passage, action: str) -> str:
    """What the agent reads after an action; a re-orientation says to whom (#13)."""
    if action == Action.REORIENT:
        if passage.status == Status.REORIENTED:
            return _("Ticket %(ticket)s réorienté vers %(partner)s : passage terminé.") % {
                "ticket": passage.ticket_label,
                "partner": passage.partner,
            }
        return _("Ticket %(ticket)s réorienté vers : %(role)s ; la personne attend à nouveau.") % {
            "ticket": passage.ticket_label,
            "role": passage.get_oriented_to_display(),
        }
    return _("Ticket %(ticket)s : %(status)s.") % {
        "ticket": passage.ticket_label,
        "status": passage.get_status_display().lower(),
    }


@require_POST
@role_required(*services.QUEUE_ROLES)
def passage_action(request: HttpRequest, pk: int) -> HttpResponse:
    form = ActionForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if not form.is_valid():
        messages.error(request, _("Action incomplète : recommencez."))
        return redirect(back or "home")
    data = form.cleaned_data
    desk = data["desk"] or _desk(request, _("Accueil"))
    try:
        passage = services.transition(
            passage_id=pk,
            actor=request.user,  # type: ignore[arg-type]
            action=data["action"],
            desk=desk,
            target_role=data["target_role"],
            partner=data["partner"],
            reason=data["reason"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back or "home")
    messages.success(request, _action_message(passage, data["action"]))
    if passage.status == Status.IN_PROGRESS and has_role(request.user, Role.MEDIATEUR):
        # The mediator goes on to log the session for this visitor (mediation issue).
        return redirect(f"{reverse('accompagnement:mediateur_home')}?passage={passage.pk}")
    return redirect(back or "home")


def _desk_role(request: HttpRequest) -> str:
    for role in DESK_ROLES:
        if has_role(request.user, role):
            return role
    raise Http404


@never_cache
@role_required(*DESK_ROLES)
def desk(request: HttpRequest) -> HttpResponse:
    """A professional's view of the queue: what concerns them, and "call the next person"."""
    mds = _mds_or_404(request, *DESK_ROLES)
    role = _desk_role(request)
    current = selectors.current_for(user=request.user, mds=mds)
    return render(
        request,
        "accueil/desk.html",
        {
            "mds": mds,
            "role": role,
            "role_label": Role(role).label,
            "current": current,
            "call_form": CallForm(initial={"desk": _desk(request, "")}),
            "desks": selectors.desks_of(mds=mds),
            **_queue_context(request, mds=mds, page="accueil:desk", for_role=role),
        },
    )


@require_POST
@role_required(*DESK_ROLES)
def call_next(request: HttpRequest) -> HttpResponse:
    mds = _mds_or_404(request, *DESK_ROLES)
    form = CallForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get("desk", []):
            messages.error(request, str(message))
        return redirect("accueil:desk")
    request.session[DESK_SESSION_KEY] = form.cleaned_data["desk"]
    try:
        passage = services.call_next(
            mds=mds,
            actor=request.user,  # type: ignore[arg-type]
            role=_desk_role(request),
            desk=form.cleaned_data["desk"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("accueil:desk")
    if passage is None:
        messages.info(request, _("Personne n'attend pour vous en ce moment."))
    else:
        messages.success(
            request,
            _("Ticket %(ticket)s appelé au %(desk)s.")
            % {"ticket": passage.ticket_label, "desk": passage.desk},
        )
    return redirect("accueil:desk")


def _board_context(token: str, language: str) -> dict[str, object]:
    mds = get_object_or_404(MDS, board_token=token, is_active=True)
    return {
        "mds": mds,
        "lines": selectors.board_for(mds=mds, language=language),
        "waiting": selectors.waiting_count(mds=mds),
        "lang": language,
        "rtl": language in RTL_LANGUAGES,
        "text": BOARD_TEXT[language],
    }


@never_cache
def board(request: HttpRequest, token: str) -> HttpResponse:
    """The waiting-room screen (no login: it shows ticket numbers and desks only)."""
    fixed = request.GET.get("langue")
    context = _board_context(token, board_language(fixed))
    context["rotate"] = "" if fixed in BOARD_LANGUAGES else ",".join(BOARD_LANGUAGES)
    return render(request, "accueil/board.html", context)


@never_cache
def board_content(request: HttpRequest, token: str) -> HttpResponse:
    context = _board_context(token, board_language(request.GET.get("langue")))
    return render(request, "accueil/_board_content.html", context)
