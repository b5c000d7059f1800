"""« Clôturer la journée » at the desk: same service as the scheduled close (issue 11).

A separate module so that the close stays out of the way of the queue views; it moves into
``accueil/views/`` with the package layout. GET shows how many people are still waiting and
asks to confirm; POST closes. Closing twice is harmless: the second close finds nobody.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from mds.permissions import current_mds, has_role, role_required
from mds.roles import Role

from . import selectors, services
from .models import Status

CLOSE_ROLES = (Role.ACCUEIL, Role.SECRETARIAT)


@never_cache
@role_required(*CLOSE_ROLES)
def close_day(request: HttpRequest) -> HttpResponse:
    mds = current_mds(request, *CLOSE_ROLES)
    if mds is None:
        raise Http404
    today = timezone.localdate()
    back = "accueil:home" if has_role(request.user, Role.ACCUEIL) else "accueil:desk"
    if request.method == "POST":
        closed = services.close_day(mds=mds, day=today)
        if closed:
            text = ngettext(
                "Journée clôturée : %(n)d personne notée « partie sans être reçue ».",
                "Journée clôturée : %(n)d personnes notées « parties sans être reçues ».",
                closed,
            ) % {"n": closed}
        else:
            text = _("Journée clôturée : plus personne n'attendait.")
        messages.success(request, text)
        return redirect(back)
    waiting = (
        selectors.waiting_list(user=request.user, mds=mds, today=today)
        .filter(status__in=(Status.WAITING, Status.CALLED))
        .count()
    )
    return render(request, "accueil/close_day.html", {"mds": mds, "waiting": waiting, "back": back})
