"""The page where a mediator records a person's reminder contact (phone, e-mail, language)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accompagnement.selectors import usager_for
from mds.permissions import role_required
from mds.roles import Role
from rgpd.models import PurposeCode
from rgpd.selectors.consents import live_consent

from . import services
from .forms import ContactForm
from .models import Contact


@role_required(Role.MEDIATEUR)
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    # the same scoping as the person's page: an usager of the mediator's MDS, or 404
    usager = usager_for(request.user, pk)
    if usager is None:
        raise Http404
    existing = Contact.objects.filter(usager=usager).first()
    form = ContactForm(request.POST if request.method == "POST" else None, instance=existing)
    if request.method == "POST" and form.is_valid():
        services.save_contact(usager=usager, **form.cleaned_data)
        messages.success(request, _("Contact pour les rappels enregistré."))
        return redirect("accompagnement:usager", pk=usager.pk)
    consent = live_consent(usager=usager.pk, purpose_code=PurposeCode.REMINDERS)
    return render(
        request,
        "notifications/contact.html",
        {"form": form, "usager": usager, "has_consent": consent is not None},
        status=400 if request.method == "POST" else 200,
    )
