"""Browser forms of placement: they check shape; services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from capacity.forms import UtrechtFormMixin
from config.codes import RefusalReason
from config.widgets import DateInput
from placement.models import Placement

PROVIDER_REASONS = [(r.value, r.label) for r in RefusalReason if r != RefusalReason.NO_RESPONSE]


class SendOfferForm(UtrechtFormMixin, forms.Form):
    location = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reden om van het voorstel af te wijken"),
        required=False,
        max_length=500,
    )


class RefuseForm(UtrechtFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reden van weigering"), choices=PROVIDER_REASONS)
    explanation = forms.CharField(
        label=_("Toelichting (verplicht bij contra-indicatie, onvoldoende expertise en anders)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ReasonForm(UtrechtFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reden"), max_length=500)


class WaitForm(UtrechtFormMixin, forms.Form):
    interim_support = forms.CharField(
        label=_("Hulp in de tussentijd"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    ambulant_support = forms.BooleanField(label=_("Ambulante hulp thuis"), required=False)


class PlaceForm(UtrechtFormMixin, forms.Form):
    start_date = forms.DateField(label=_("Startdatum"), widget=DateInput())
    school_name = forms.CharField(label=_("School tijdens de plaatsing"), required=False)
    school_handover = forms.CharField(
        label=_("Overdracht naar de school"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    school_transport = forms.CharField(label=_("Hoe is het schoolvervoer geregeld"), required=False)
    transport_funding = forms.ChoiceField(
        label=_("Wie betaalt het vervoer"),
        choices=[("", "—"), *Placement.TransportFunding.choices],
        required=False,
    )
    intake_contact = forms.CharField(label=_("Contactpersoon voor de intake"), required=False)


class EndForm(UtrechtFormMixin, forms.Form):
    end_date = forms.DateField(label=_("Einddatum"), widget=DateInput())
    reason = forms.ChoiceField(label=_("Reden"), choices=Placement.EndReason.choices)
    outflow = forms.ChoiceField(
        label=_("Uitstroom naar (bij geplande uitstroom)"),
        choices=[("", "—"), *Placement.Outflow.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
