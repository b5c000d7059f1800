"""Dashboard filters: all in the URL (GET), so a view can be shared and bookmarked.

Choices the issue left open, written down here:
- periods are whole local days (Europe/Paris), both ends included; the default is "this month";
- "this week" starts on Monday; "this year" on 1 January; both end today;
- the MDS choice lists only the MDS the user reaches (departmental roles: every MDS); an MDS id
  the user does not reach makes the filter invalid, and the page then shows the default scope
  with the error — never the other MDS;
- a custom period is at most 5 years long (an error in French otherwise).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompagnement.models import KindOfHelp, ModeOfHelp, Organisme
from accueil.models import Motive
from mds.models import MDS

MAX_DAYS = 5 * 366


class Preset:
    WEEK = "semaine"
    MONTH = "mois"
    LAST_MONTH = "mois-dernier"
    YEAR = "annee"
    CUSTOM = "personnalisee"

    CHOICES = (
        (WEEK, _("Cette semaine")),
        (MONTH, _("Ce mois-ci")),
        (LAST_MONTH, _("Le mois dernier")),
        (YEAR, _("Cette année")),
        (CUSTOM, _("Période personnalisée")),
    )


def preset_bounds(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if preset == Preset.WEEK:
        return today - dt.timedelta(days=today.weekday()), today
    if preset == Preset.LAST_MONTH:
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    if preset == Preset.YEAR:
        return today.replace(month=1, day=1), today
    return today.replace(day=1), today


@dataclass(frozen=True)
class Filters:
    """A validated scope: the MDS, the period, and the optional refinements."""

    start: dt.date
    end: dt.date
    sites: tuple[MDS, ...]
    preset: str = Preset.MONTH
    motive: Motive | None = None
    organisme: Organisme | None = None
    kind: KindOfHelp | None = None
    mode: int | None = None
    #: "Mon activité": the figures of one agent, shown to that agent only
    mediator_id: int | None = None

    @property
    def mds_ids(self) -> list[int]:
        return [site.pk for site in self.sites]

    @property
    def compare(self) -> bool:
        return len(self.sites) > 1


class FilterForm(forms.Form):
    periode = forms.ChoiceField(
        label=_("Période"), choices=Preset.CHOICES, required=False, initial=Preset.MONTH
    )
    du = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    au = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    mds = forms.ModelMultipleChoiceField(
        label=_("MDS"),
        queryset=MDS.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : toutes vos MDS."),
    )
    motif = forms.ModelChoiceField(
        label=_("Motif de venue"),
        queryset=Motive.objects.all(),
        required=False,
        empty_label=_("Tous les motifs"),
    )
    organisme = forms.ModelChoiceField(
        label=_("Organisme"),
        queryset=Organisme.objects.all(),
        required=False,
        empty_label=_("Tous les organismes"),
    )
    aide = forms.ModelChoiceField(
        label=_("Type d'aide"),
        queryset=KindOfHelp.objects.all(),
        required=False,
        empty_label=_("Tous les types d'aide"),
    )
    mode = forms.TypedChoiceField(
        label=_("Mode d'aide"),
        choices=[("", _("Tous les modes")), *ModeOfHelp.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(
        self, data: Any, *, sites: list[MDS], fields: tuple[str, ...], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.sites = sites
        mds_field = self.fields["mds"]
        assert isinstance(mds_field, forms.ModelMultipleChoiceField)
        mds_field.queryset = MDS.objects.filter(pk__in=[s.pk for s in sites]).order_by("name")
        for name in list(self.fields):
            if name not in ("periode", "du", "au", "mds", *fields):
                del self.fields[name]
        if len(sites) < 2:
            del self.fields["mds"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("periode") == Preset.CUSTOM:
            start, end = data.get("du"), data.get("au")
            if start is None or end is None:
                raise forms.ValidationError(
                    _("Une période personnalisée demande une date de début et une date de fin.")
                )
            if start > end:
                raise forms.ValidationError(_("La date de début doit précéder la date de fin."))
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError(_("La période ne peut dépasser cinq ans."))
        return data

    def filters(self, *, today: dt.date | None = None) -> Filters:
        """The scope to show: the valid filters, or the defaults when the form is invalid."""
        today = today or timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        preset = data.get("periode") or Preset.MONTH
        if preset == Preset.CUSTOM:
            start, end = data["du"], data["au"]
        else:
            start, end = preset_bounds(preset, today)
        chosen = data.get("mds")
        sites = tuple(chosen) if chosen else tuple(self.sites)
        return Filters(
            start=start,
            end=end,
            sites=tuple(sorted(sites, key=lambda s: s.name)),
            preset=preset,
            motive=data.get("motif"),
            organisme=data.get("organisme"),
            kind=data.get("aide"),
            mode=data.get("mode"),
        )


class BilanForm(forms.Form):
    """The monthly bilan: one MDS, one month (``AAAA-MM``)."""

    mds = forms.ModelChoiceField(label=_("MDS"), queryset=MDS.objects.none(), required=False)
    mois = forms.RegexField(
        label=_("Mois"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"}),
        error_messages={"invalid": _("Indiquez un mois au format AAAA-MM.")},
    )

    def __init__(self, data: Any, *, sites: list[MDS], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.sites = sites
        mds_field = self.fields["mds"]
        assert isinstance(mds_field, forms.ModelChoiceField)
        mds_field.queryset = MDS.objects.filter(pk__in=[s.pk for s in sites]).order_by("name")
        mds_field.empty_label = None

    def month(self, today: dt.date) -> dt.date:
        value = self.cleaned_data.get("mois") if self.is_valid() else None
        if value:
            return dt.date(int(value[:4]), int(value[5:7]), 1)
        return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)

    def site(self) -> MDS | None:
        chosen = self.cleaned_data.get("mds") if self.is_valid() else None
        return chosen or (self.sites[0] if self.sites else None)
