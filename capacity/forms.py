"""Browser forms of the capacity register: they check shape; services check the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from capacity.models import CapacityChange, Location
from config.codes import CareForm, Expertise, Intensity, RiskFlag
from config.validators import no_control_characters
from config.widgets import DateInput


class UtrechtFormMixin:
    """Utrecht design-system classes on every widget; invalid fields point at their error."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
                widget.attrs.setdefault("class", "utrecht-checkbox utrecht-checkbox--html-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "utrecht-select utrecht-select--html-select")
            else:
                widget.attrs.setdefault("class", "utrecht-textbox utrecht-textbox--html-input")

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        if field and field in self.fields:
            attrs = self.fields[field].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"id_{field}_error"


class LocationProfileForm(UtrechtFormMixin, forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=200, validators=[no_control_characters])
    care_form = forms.ChoiceField(label=_("Zorgvorm"), choices=CareForm.choices)
    expertise = forms.MultipleChoiceField(
        label=_("Expertise"),
        choices=Expertise.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    age_min = forms.IntegerField(label=_("Minimumleeftijd"))
    age_max = forms.IntegerField(label=_("Maximumleeftijd"))
    gender = forms.ChoiceField(label=_("Doelgroep"), choices=Location.GenderServed.choices)
    secured = forms.BooleanField(label=_("Gesloten (JeugdzorgPlus)"), required=False)
    intensity = forms.ChoiceField(
        label=_("Intensiteit"),
        choices=[("", _("geen")), *list(Intensity.choices)],
        required=False,
    )
    school_on_site = forms.BooleanField(label=_("School op locatie"), required=False)
    contra_indications = forms.MultipleChoiceField(
        label=_("Contra-indicaties (risico's die de locatie niet kan opvangen)"),
        choices=RiskFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    total_places = forms.IntegerField(label=_("Plaatsen totaal (gecontracteerd)"))

    @classmethod
    def initial_for(cls, location: Location) -> dict[str, Any]:
        return {name: getattr(location, name) for name in cls.base_fields}


class OverviewFilterForm(UtrechtFormMixin, forms.Form):
    """The coordinator's filters; every control is labelled."""

    care_form = forms.ChoiceField(
        label=_("Zorgvorm"), choices=[("", _("alle")), *list(CareForm.choices)], required=False
    )
    expertise = forms.ChoiceField(
        label=_("Expertise"), choices=[("", _("alle")), *list(Expertise.choices)], required=False
    )
    age = forms.IntegerField(label=_("Leeftijd"), required=False, min_value=0, max_value=27)
    region = forms.ModelChoiceField(
        label=_("Regio"),
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label=_("alle"),
    )
    secured = forms.ChoiceField(
        label=_("Gesloten"),
        choices=[("", _("beide")), ("1", _("alleen gesloten")), ("0", _("alleen open"))],
        required=False,
    )
    only_free = forms.BooleanField(label=_("Alleen met vrije plaatsen"), required=False)


class CapacityChangeForm(UtrechtFormMixin, forms.Form):
    """Announce a change of the total places or a closure; a closure is confirmed."""

    kind = forms.ChoiceField(label=_("Soort wijziging"), choices=CapacityChange.Kind.choices)
    new_total = forms.IntegerField(
        label=_("Nieuw aantal plaatsen (bij een wijziging van het aantal)"),
        required=False,
        min_value=0,
    )
    effective_on = forms.DateField(label=_("Gaat in op"), widget=DateInput())
    reason = forms.ChoiceField(label=_("Reden"), choices=CapacityChange.ReasonCode.choices)
    note = forms.CharField(
        label=_("Toelichting (verplicht bij reden anders)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_control_characters],
    )
    confirm_closure = forms.BooleanField(
        label=_("Ik bevestig de sluiting: de locatie krijgt geen nieuwe plaatsingen meer"),
        required=False,
    )


class UnstaffedForm(UtrechtFormMixin, forms.Form):
    unstaffed_places = forms.IntegerField(label=_("Vrij maar niet inzetbaar"), min_value=0)
    unstaffed_reason = forms.CharField(
        label=_("Reden (bijvoorbeeld geen personeel)"),
        required=False,
        max_length=500,
        validators=[no_control_characters],
    )
