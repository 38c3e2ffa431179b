"""The form of a KPI target (issue 23 point 6): shape only; analyses.target_services checks
the rules and names the field."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from analyses import catalogue
from capacity.forms import UtrechtFormMixin


class KpiTargetForm(UtrechtFormMixin, forms.Form):
    region = forms.ChoiceField(label=_("Regio"), required=False)
    code = forms.ChoiceField(
        label=_("Kengetal"), choices=[("", _("Kies …")), *catalogue.CODE_CHOICES]
    )
    year = forms.IntegerField(label=_("Jaar"))
    target = forms.CharField(
        label=_("Streefwaarde"),
        max_length=20,
        help_text=_(
            "In de eenheid van het kengetal: een percentage (0 tot 100), dagen, een "
            "verhouding of een aantal. Of hoger of lager beter is, staat in de catalogus. "
            "Bestaat er al een streefwaarde voor deze regio, dit kengetal en dit jaar, dan "
            "wordt die vervangen."
        ),
    )
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, regions: list[tuple[str, str]], every: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [("", _("Alle regio's"))] if every else []
        self.fields["region"].choices = [*choices, *regions]  # type: ignore[attr-defined]
        self.fields["region"].required = not every
