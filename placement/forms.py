"""Browser forms of placement: they check shape; services check the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from capacity.forms import UtrechtFormMixin
from config.codes import Expertise, RefusalReason, RiskFlag
from config.widgets import DateInput
from placement.models import Placement, PlacementRisk

PROVIDER_REASONS = [(r.value, r.label) for r in RefusalReason if r != RefusalReason.NO_RESPONSE]
CONCERN_LABELS = {**dict(Expertise.choices), **dict(RiskFlag.choices)}


def code_label(code: str) -> str:
    return str(CONCERN_LABELS.get(code, code))


class SendOfferForm(UtrechtFormMixin, forms.Form):
    location = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reden om van het voorstel af te wijken"),
        required=False,
        max_length=500,
    )


class RefuseForm(UtrechtFormMixin, forms.Form):
    # No reason chosen beforehand: a refusal sent with the first reason of the list by
    # accident would count in the refusal figures under a reason the provider never gave.
    reason = forms.ChoiceField(
        label=_("Reden van weigering"),
        choices=[("", _("Kies een reden")), *PROVIDER_REASONS],
        error_messages={
            "required": _("Kies de reden van de weigering."),
            "invalid_choice": _("Kies de reden van de weigering."),
        },
    )
    explanation = forms.CharField(
        label=_("Toelichting (verplicht bij contra-indicatie, onvoldoende expertise en anders)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    # Issue 23: what in the VA made the provider refuse; the choices are the referral's own
    # needed expertise and risk flags (`concern_choices`), the service checks them again.
    refusal_concerns = forms.MultipleChoiceField(
        label=_("Wat in de verklarende analyse was de aanleiding?"),
        help_text=_(
            "Alleen bij contra-indicatie, groepssamenstelling, onvoldoende expertise of "
            "veiligheidsrisico."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, concern_choices: list[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if concern_choices:
            field = self.fields["refusal_concerns"]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = [(code, code_label(code)) for code in concern_choices]
        else:
            del self.fields["refusal_concerns"]


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
        label=_("Bestemming (verplicht bij geplande uitstroom en bij 18 jaar)"),
        choices=[("", "—"), *Placement.Outflow.choices],
        required=False,
    )
    ready_to_leave_since = forms.DateField(
        label=_("Klaar voor uitstroom sinds"),
        required=False,
        widget=DateInput(),
        help_text=_("Alleen als de jongere al eerder weg kon, maar er geen vervolgplek was."),
    )
    note = forms.CharField(
        label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlansForm(UtrechtFormMixin, forms.Form):
    prefix = "plans"  # several forms on the placement page: unique field ids

    planned_end = forms.DateField(
        # The label says when it is needed (no contradicting "(niet verplicht)" mark): a
        # request whose perspective plan gives a term keeps a planned end (the service).
        label=_("Verwachte einddatum (verplicht als het perspectiefplan een termijn noemt)"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Volgt uit de termijn van het perspectiefplan: wijzigen mag, leegmaken dan niet. "
            "Hieruit volgt de verwachting van vrije plekken."
        ),
    )
    adult_plan_on = forms.DateField(
        label=_("18+-plan aanwezig sinds"),
        required=False,
        widget=DateInput(),
        help_text=_("Leeg: er is nog geen 18+-plan."),
    )


class RiskFlagForm(UtrechtFormMixin, forms.Form):
    prefix = "risk"  # several forms on the placement page: unique field ids

    reason = forms.ChoiceField(label=_("Waarom in gevaar"), choices=PlacementRisk.Reason.choices)
    note = forms.CharField(
        label=_("Toelichting (verplicht bij anders; geen namen)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class RiskUpdateForm(UtrechtFormMixin, forms.Form):
    prefix = "support"  # several forms on the placement page: unique field ids

    support = forms.MultipleChoiceField(
        label=_("Ingezette ondersteuning"),
        choices=PlacementRisk.Support.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    support_note = forms.CharField(
        label=_("Toelichting op de ondersteuning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    outcome = forms.ChoiceField(
        label=_("Uitkomst"),
        choices=[
            ("", _("nog open")),
            (PlacementRisk.Outcome.PREVENTED.value, PlacementRisk.Outcome.PREVENTED.label),
        ],
        required=False,
        help_text=_(
            "Komt het toch tot een doorplaatsing, beëindig de plaatsing dan met die reden."
        ),
    )


class IntakeForm(UtrechtFormMixin, forms.Form):
    """The handover: the provider proposes an intake date (issue 20)."""

    intake_date = forms.DateField(label=_("Voorgestelde intakedatum"), widget=DateInput())
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
