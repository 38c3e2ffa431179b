"""Browser forms of contracted capacity and location bands (issue 22): shape only; the
services check the rules and name the field."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from capacity.forms import UtrechtFormMixin
from config.codes import CareForm, Intensity


class ContractForm(UtrechtFormMixin, forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Zorgaanbieder"), queryset=Organisation.objects.none(), empty_label=_("Kies …")
    )
    care_form = forms.ChoiceField(
        label=_("Zorgvorm"), choices=[("", _("Kies …")), *CareForm.choices]
    )
    year = forms.IntegerField(label=_("Jaar"))
    places = forms.IntegerField(
        label=_("Gecontracteerde plaatsen"),
        help_text=_(
            "Bestaat er al een contract voor deze aanbieder, zorgvorm en dit jaar, dan "
            "wordt het aantal vervangen."
        ),
    )

    def __init__(self, *args: Any, providers: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers.order_by("name")  # type: ignore[attr-defined]


class YearForm(UtrechtFormMixin, forms.Form):
    jaar = forms.TypedChoiceField(label=_("Jaar"), coerce=int, required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jaar"].choices = [(year, str(year)) for year in years]  # type: ignore[attr-defined]


class LocationBandForm(UtrechtFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Jaar"))
    band = forms.ChoiceField(
        label=_("Intensiteitsklasse"),
        choices=[("", _("geen (klasse verwijderen)")), *Intensity.choices],
        required=False,
    )
