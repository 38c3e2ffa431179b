"""The steps of the referral form. Every field is optional: a step saves a draft; the rules
of submission live in `referrals.services.submission_problems`."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Organisation
from config.codes import (
    CareForm,
    ExpertDiscipline,
    Expertise,
    ExpertTableOutcome,
    Gender,
    Intensity,
    LegalStatus,
    OutsideArrangement,
    OutsideReason,
    PreviousSituation,
    RequestKind,
    RiskFlag,
    Urgency,
)
from config.widgets import DateInput
from referrals.models import Referral, YouthIdentity

BLANK: list[tuple[str, Any]] = [("", "—")]
# The limit of every long text, the same as the API's (`referrals.api._text`).
TEXT_MAX_LENGTH = 20000
YES_NO = [("", _("onbekend")), ("yes", _("ja")), ("no", _("nee"))]


def _style(form: forms.Form) -> None:
    """Utrecht design-system classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            continue
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "utrecht-select utrecht-select--html-select")
        elif isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("class", "utrecht-textarea utrecht-textarea--html-textarea")
            widget.attrs.setdefault("rows", "4")
        else:
            widget.attrs.setdefault("class", "utrecht-textbox utrecht-textbox--html-input")


class StepForm(forms.Form):
    # Field path of the API/service → the form field showing its errors.
    paths: dict[str, str] = {}
    # The fields `submission_problems` asks for: marked "verplicht voor indienen" (a step
    # itself saves with any field empty). A test keeps this in step with the service.
    submit_required: frozenset[str] = frozenset()
    # The mark of those fields when not "verplicht voor indienen" (`crisis_documents_mark`).
    submit_mark: Any = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def to_data(self) -> dict[str, Any]:
        raise NotImplementedError

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """Attach service errors (by field path) to this step's fields; ignore other steps'."""
        for path, messages in errors.items():
            name = self.paths.get(path)
            if name is None and path.startswith("youth.guardians."):
                name = self.paths.get("youth.guardians")
            if name is not None and name in self.fields:
                for message in messages:
                    self.add_error(name, message)


class YouthForm(StepForm):
    given_name = forms.CharField(label=_("Voornaam"), required=False, max_length=100)
    family_name = forms.CharField(label=_("Achternaam"), required=False, max_length=100)
    bsn = forms.CharField(
        label=_("BSN"),
        help_text=_("9 cijfers, bijvoorbeeld 123456782."),
        required=False,
        max_length=11,
    )
    birth_date = forms.DateField(label=_("Geboortedatum"), required=False, widget=DateInput())
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=[*BLANK, *Gender.choices])
    postcode = forms.CharField(
        label=_("Postcode"), help_text=_("Bijvoorbeeld 1234 AB."), required=False, max_length=7
    )
    municipality = forms.ChoiceField(label=_("Woongemeente"), required=False)
    guardian_1_name = forms.CharField(
        label=_("Ouder/gezaghebbende 1: naam"), required=False, max_length=200
    )
    guardian_1_relation = forms.CharField(
        label=_("Ouder/gezaghebbende 1: relatie"),
        help_text=_("Bijvoorbeeld moeder, vader, voogd."),
        required=False,
        max_length=100,
    )
    guardian_2_name = forms.CharField(
        label=_("Ouder/gezaghebbende 2: naam"), required=False, max_length=200
    )
    guardian_2_relation = forms.CharField(
        label=_("Ouder/gezaghebbende 2: relatie"), required=False, max_length=100
    )

    paths = {
        **{f"youth.{n}": n for n in ("given_name", "family_name", "bsn", "birth_date", "gender")},
        "youth.postcode": "postcode",
        "youth.municipality": "municipality",
        "youth.guardians": "guardian_1_name",
    }
    submit_required = frozenset(
        {"given_name", "family_name", "bsn", "birth_date", "gender", "postcode", "municipality"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [*BLANK, *((m.code, m.name) for m in Municipality.objects.order_by("name"))]

    @staticmethod
    def initial_from(youth: YouthIdentity) -> dict[str, Any]:
        guardians = [*list(youth.guardians or []), {}, {}]
        return {
            "given_name": youth.given_name,
            "family_name": youth.family_name,
            "bsn": youth.bsn,
            "birth_date": youth.birth_date,
            "gender": youth.gender,
            "postcode": youth.postcode,
            "municipality": youth.municipality.code if youth.municipality else "",
            "guardian_1_name": guardians[0].get("name", ""),
            "guardian_1_relation": guardians[0].get("relation", ""),
            "guardian_2_name": guardians[1].get("name", ""),
            "guardian_2_relation": guardians[1].get("relation", ""),
        }

    def to_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        guardians = [
            {"name": c[f"guardian_{i}_name"], "relation": c[f"guardian_{i}_relation"]}
            for i in (1, 2)
        ]
        return {
            "youth": {
                **{n: c[n] for n in ("given_name", "family_name", "bsn", "gender", "postcode")},
                "birth_date": c["birth_date"],
                "municipality": c["municipality"],
                "guardians": guardians,
            }
        }


class SituationForm(StepForm):
    urgency = forms.ChoiceField(
        label=_("Urgentie"),
        help_text=_(
            "Bij crisis mag de jongere eerst geplaatst worden; de verklarende analyse en de "
            "plannen volgen dan binnen %(days)d werkdagen."
        )
        % {"days": settings.CRISIS_DOCUMENTS_WORKING_DAYS},
        required=False,
        choices=Urgency.choices,
    )
    request_kind = forms.ChoiceField(
        label=_("Soort verzoek"), required=False, choices=RequestKind.choices
    )
    crisis_reason = forms.CharField(
        label=_("Reden van de crisis"),
        help_text=_(
            "Nodig om een crisisverzoek in te dienen. Waarom kon de plaatsing niet wachten? "
            "Geen namen of andere herleidbare gegevens."
        ),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
    )
    crisis_location = forms.ChoiceField(
        label=_("Geplaatst op (locatie uit het register)"),
        help_text=_("Alleen als de jongere al geplaatst is."),
        required=False,
    )
    crisis_placed_where = forms.CharField(
        label=_("Of: andere plek"),
        help_text=_("De naam van de plek als die niet in het register staat."),
        required=False,
        max_length=200,
    )
    legal_status = forms.ChoiceField(
        label=_("Juridische status"), required=False, choices=[*BLANK, *LegalStatus.choices]
    )
    previous_situation = forms.ChoiceField(
        label=_("Vorige situatie"),
        help_text=_("Waar komt de jongere vandaan?"),
        required=False,
        choices=[*BLANK, *PreviousSituation.choices],
    )
    current_situation = forms.CharField(
        label=_("Toelichting op de huidige situatie"),
        help_text=_("Waar en bij wie woont de jongere nu, en welke hulp loopt er al?"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
    )
    previous_placements = forms.IntegerField(
        label=_("Aantal eerdere plaatsingen"), required=False, min_value=0, max_value=100
    )
    responsible_municipality = forms.ChoiceField(
        label=_("Verantwoordelijke gemeente (woonplaatsbeginsel)"),
        help_text=_("Leeg: de woongemeente van de jongere."),
        required=False,
    )
    school_name = forms.CharField(label=_("School"), required=False, max_length=200)
    school_level = forms.CharField(label=_("Schoolniveau"), required=False, max_length=100)
    school_attending = forms.ChoiceField(
        label=_("Gaat de jongere naar school?"), required=False, choices=YES_NO
    )
    requested_start = forms.DateField(
        label=_("Gewenste startdatum"),
        help_text=_("Wanneer de plaatsing zou moeten beginnen; leeg als dat nog open is."),
        required=False,
        widget=DateInput(),
    )

    # Shown together, in a part that opens for a crisis (edit.html).
    CRISIS_FIELDS = ("crisis_reason", "crisis_location", "crisis_placed_where")

    paths = {
        "urgency": "urgency",
        "request_kind": "request_kind",
        "crisis_reason": "crisis_reason",
        "crisis_location": "crisis_location",
        "crisis_placed_where": "crisis_placed_where",
        "previous_situation": "previous_situation",
        "responsible_municipality": "responsible_municipality",
        "legal_status": "legal_status",
        "current_situation": "current_situation",
        "previous_placements": "previous_placements",
        "school.name": "school_name",
        "school.level": "school_level",
        "requested_start": "requested_start",
    }
    submit_required = frozenset({"legal_status"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from capacity.models import Location

        super().__init__(*args, **kwargs)
        municipality = self.fields["responsible_municipality"]
        assert isinstance(municipality, forms.ChoiceField)
        municipality.choices = [
            *BLANK,
            *((m.code, m.name) for m in Municipality.objects.order_by("name")),
        ]
        location = self.fields["crisis_location"]
        assert isinstance(location, forms.ChoiceField)
        location.choices = [
            *BLANK,
            *(
                (str(pk), f"{name} ({provider})")
                for pk, name, provider in Location.objects.order_by(
                    "provider__name", "name"
                ).values_list("pk", "name", "provider__name")
            ),
        ]

    @staticmethod
    def initial_from(referral: Referral) -> dict[str, Any]:
        attending = referral.school_attending
        municipality = referral.responsible_municipality
        return {
            "urgency": referral.urgency,
            "request_kind": referral.request_kind,
            "crisis_reason": referral.crisis_reason,
            "crisis_location": str(referral.crisis_location_id or ""),
            "crisis_placed_where": referral.crisis_placed_where,
            "previous_situation": referral.previous_situation,
            "responsible_municipality": municipality.code if municipality else "",
            "legal_status": referral.legal_status,
            "current_situation": referral.current_situation,
            "previous_placements": referral.previous_placements,
            "school_name": referral.school_name,
            "school_level": referral.school_level,
            "school_attending": "" if attending is None else ("yes" if attending else "no"),
            "requested_start": referral.requested_start,
        }

    def to_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        attending = {"yes": True, "no": False}.get(c["school_attending"])
        return {
            "urgency": c["urgency"] or Urgency.PLANNED,
            "request_kind": c["request_kind"] or RequestKind.NEW,
            "crisis_reason": c["crisis_reason"],
            "crisis_location": c["crisis_location"] or None,
            "crisis_placed_where": c["crisis_placed_where"],
            "previous_situation": c["previous_situation"],
            "responsible_municipality": c["responsible_municipality"],
            "legal_status": c["legal_status"],
            "current_situation": c["current_situation"],
            "previous_placements": c["previous_placements"] or 0,
            "school": {
                "name": c["school_name"],
                "level": c["school_level"],
                "attending": attending,
            },
            "requested_start": c["requested_start"],
        }


class AnalysisForm(StepForm):
    # The hints follow the Verklarende Analyse: a total picture of the youth and the (family)
    # system around them, the real need rather than the available offer.
    problems = forms.CharField(
        label=_("Problemen"),
        help_text=_(
            "Wat speelt er bij de jongere en in het gezin? Beschrijf de problematiek zoals "
            "die nu is, bij de jongere, thuis, op school en in de omgeving."
        ),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
    )
    explaining_factors = forms.CharField(
        label=_("Verklarende factoren"),
        help_text=_(
            "Waardoor zijn de problemen ontstaan en waardoor houden ze aan? Kijk breed "
            "(systeemgericht): de jongere, het gezin en de context eromheen, en hoe die op "
            "elkaar inwerken."
        ),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
    )
    protective_factors = forms.CharField(
        label=_("Beschermende factoren"),
        help_text=_(
            "Wat gaat goed en waar kan de hulp op bouwen: sterke kanten van de jongere, "
            "steun in het gezin, het netwerk, school."
        ),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
    )
    needs = forms.CharField(
        label=_("Behoeften"),
        help_text=_(
            "Wat heeft de jongere écht nodig om zo thuis mogelijk op te groeien? Beschrijf de "
            "werkelijke behoefte, niet het aanbod dat nu beschikbaar is."
        ),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
    )
    care_form_1 = forms.ChoiceField(
        label=_("Benodigde zorgvorm, eerste keus"),
        help_text=_("De zorgvorm die het best bij de behoefte past, ook als er nu geen plek is."),
        required=False,
        choices=[*BLANK, *CareForm.choices],
    )
    care_form_2 = forms.ChoiceField(
        label=_("Benodigde zorgvorm, tweede keus"),
        required=False,
        choices=[*BLANK, *CareForm.choices],
    )
    care_form_3 = forms.ChoiceField(
        label=_("Benodigde zorgvorm, derde keus"),
        required=False,
        choices=[*BLANK, *CareForm.choices],
    )
    needed_expertise = forms.MultipleChoiceField(
        label=_("Benodigde expertise"),
        help_text=_("Kies alles wat van toepassing is."),
        required=False,
        choices=Expertise.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_flags = forms.MultipleChoiceField(
        label=_("Risico's"),
        help_text=_("Kies alles wat van toepassing is."),
        required=False,
        choices=RiskFlag.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    intensity = forms.ChoiceField(
        label=_("Intensiteit"), required=False, choices=[("", _("geen")), *Intensity.choices]
    )
    secured_required = forms.BooleanField(
        label=_("Gesloten plaatsing nodig"),
        help_text=_("Vraagt een (spoed)machtiging gesloten jeugdhulp als juridische status."),
        required=False,
    )
    author_name = forms.CharField(
        label=_("Auteur"),
        help_text=_("Wie de analyse opstelde, bijvoorbeeld de gedragswetenschapper."),
        required=False,
        max_length=200,
    )
    author_role = forms.CharField(label=_("Functie van de auteur"), required=False, max_length=200)
    completed_on = forms.DateField(label=_("Datum afgerond"), required=False, widget=DateInput())
    shared_with_family = forms.BooleanField(label=_("Besproken met het gezin"), required=False)

    FIELDS = (
        "problems",
        "explaining_factors",
        "protective_factors",
        "needs",
        "needed_expertise",
        "risk_flags",
        "intensity",
        "secured_required",
        "author_name",
        "author_role",
        "completed_on",
        "shared_with_family",
    )
    paths = {
        **{f"explanatory_analysis.{n}": n for n in FIELDS},
        "explanatory_analysis.needed_care_forms": "care_form_1",
        "explanatory_analysis": "problems",
    }
    submit_required = frozenset(
        {
            "problems",
            "explaining_factors",
            "protective_factors",
            "needs",
            "care_form_1",
            "author_name",
            "author_role",
            "completed_on",
        }
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].help_text = _(
            "Bij het indienen niet ouder dan %(days)d dagen."
        ) % {"days": settings.VA_MAX_AGE_DAYS}

    @staticmethod
    def initial_from(referral: Referral) -> dict[str, Any]:
        analysis = referral.current_analysis
        if analysis is None:
            return {}
        forms_ = [*list(analysis.needed_care_forms or []), "", "", ""]
        initial = {name: getattr(analysis, name) for name in AnalysisForm.FIELDS}
        initial.update(care_form_1=forms_[0], care_form_2=forms_[1], care_form_3=forms_[2])
        return initial

    def to_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        care_forms = [c[f"care_form_{i}"] for i in (1, 2, 3) if c[f"care_form_{i}"]]
        return {
            "explanatory_analysis": {
                **{name: c[name] for name in self.FIELDS},
                "needed_care_forms": care_forms,
            }
        }


class PlansForm(StepForm):
    perspective_plan = forms.CharField(
        label=_("Perspectiefplan"),
        help_text=_("Het doel van de plaatsing: waar werkt de jongere naartoe, en wanneer?"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
    )
    perspective_horizon_months = forms.IntegerField(
        label=_("Termijn van het perspectiefplan (maanden)"),
        help_text=_(
            "Hoe lang duurt de plaatsing volgens het plan: 1 tot en met 36 maanden? Hieruit "
            "volgt de verwachte einddatum van de plaatsing. Leeg: het plan noemt geen termijn."
        ),
        required=False,
        min_value=1,
        max_value=36,
    )
    safety_plan = forms.CharField(
        label=_("Veiligheidsplan"),
        help_text=_("Een eerste aanzet is genoeg; het plan wordt tijdens het traject aangevuld."),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
    )
    care_question = forms.CharField(
        label=_("Zorgvraag"),
        help_text=_("Welke hulp wordt gevraagd, en waarom nu?"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
    )
    youth_perspective = forms.CharField(
        label=_("Perspectief van de jongere"),
        help_text=_("Wat vindt de jongere zelf belangrijk? Gebruik waar het kan de eigen woorden."),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
    )
    parents_perspective = forms.CharField(
        label=_("Perspectief van de ouders"),
        help_text=_("Wat willen de ouders of gezaghebbenden, en wat vinden zij nodig?"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
    )
    info_answer = forms.CharField(
        label=_("Antwoord op de vraag van de coördinator"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
    )

    FIELDS = (
        "perspective_plan",
        "perspective_horizon_months",
        "safety_plan",
        "care_question",
        "youth_perspective",
        "parents_perspective",
        "info_answer",
    )
    paths = {name: name for name in FIELDS}
    submit_required = frozenset({"perspective_plan", "safety_plan", "care_question"})

    @staticmethod
    def initial_from(referral: Referral) -> dict[str, Any]:
        return {name: getattr(referral, name) for name in PlansForm.FIELDS}

    def to_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


def crisis_documents_mark(form: StepForm, referral: Referral) -> None:
    """Rule 1 for a crisis request: it is submitted first and its VA and plans follow, so
    their fields do not say "verplicht voor indienen" but "volgt na plaatsing" (a draft), or
    "nodig om af te ronden" (submitted, the documents still to come)."""
    if referral.urgency != Urgency.CRISIS or not isinstance(form, AnalysisForm | PlansForm):
        return
    editable = referral.is_editable
    form.submit_mark = _("volgt na plaatsing") if editable else _("nodig om af te ronden")


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Vraag aan de verwijzer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": "3"}),
    )


class CloseForm(forms.Form):
    # No outcome is preselected: closing is a deliberate choice, confirmed on the next page.
    outcome = forms.ChoiceField(
        label=_("Reden van afsluiten"),
        choices=[("", _("— Kies een reden —")), *Referral.CloseOutcome.choices],
        error_messages={"required": _("Kies een reden van afsluiten.")},
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Waarom wordt het verzoek heropend?"),
        help_text=_("Kort en zonder naam, BSN, geboortedatum of postcode van de jongere."),
        max_length=250,
        error_messages={"required": _("Geef een reden om het verzoek te heropenen.")},
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": "3"}),
    )


# --- care outside coordination and the expert table (issue 21) ---------------------------


class OutsidePlacementForm(forms.Form):
    """Where the youth went outside coordination (closing as placed outside, or editing it
    afterwards). Every field is checked by `placement.services.outside_placement_values`."""

    provider = forms.ModelChoiceField(
        label=_("Aanbieder uit het register"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.PROVIDER).order_by("name"),
        required=False,
        empty_label="—",
    )
    provider_name = forms.CharField(
        label=_("Of: aanbieder buiten het contract"),
        help_text=_("Alleen als de aanbieder niet in het register staat."),
        required=False,
        max_length=200,
    )
    contracted = forms.ChoiceField(
        label=_("Gecontracteerd"),
        help_text=_("Leeg: ja bij een aanbieder uit het register, nee bij een naam."),
        required=False,
        choices=YES_NO,
    )
    arrangement = forms.ChoiceField(
        label=_("Arrangement"), required=False, choices=[*BLANK, *OutsideArrangement.choices]
    )
    cost_per_day = forms.DecimalField(
        label=_("Kosten per dag (€)"),
        help_text=_("Verplicht bij maatwerk en één-op-één."),
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        localize=True,
    )
    start_date = forms.DateField(label=_("Startdatum"), required=False, widget=DateInput())
    reason = forms.ChoiceField(
        label=_("Reden"), required=False, choices=[*BLANK, *OutsideReason.choices]
    )
    reason_note = forms.CharField(
        label=_("Toelichting op de reden"),
        help_text=_("Verplicht bij 'anders'. Zonder naam, BSN, geboortedatum of postcode."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": "3"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "outside")
        super().__init__(*args, **kwargs)
        _style(self)

    @staticmethod
    def initial_from(outside: Any) -> dict[str, Any]:
        return {
            "provider": outside.provider_id,
            "provider_name": outside.provider_name,
            "contracted": "yes" if outside.contracted else "no",
            "arrangement": outside.arrangement,
            "cost_per_day": outside.cost_per_day,
            "start_date": outside.start_date,
            "reason": outside.reason,
            "reason_note": outside.reason_note,
        }

    def to_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {
            "provider": data["provider"].pk if data.get("provider") else None,
            "provider_name": data.get("provider_name", ""),
            "arrangement": data.get("arrangement", ""),
            "cost_per_day": data.get("cost_per_day"),
            "start_date": data.get("start_date"),
            "reason": data.get("reason", ""),
            "reason_note": data.get("reason_note", ""),
        }
        if data.get("contracted") in ("yes", "no"):
            values["contracted"] = data["contracted"] == "yes"
        else:
            values["contracted"] = None
        return values

    def show_errors(self, errors: dict[str, list[str]], prefix: str = "") -> None:
        for path, messages in errors.items():
            name = path.removeprefix(prefix)
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)


class ExpertTableConveneForm(forms.Form):
    """Convene an expert table; the advice and outcome may follow later (the decide form)."""

    convened_on = forms.DateField(label=_("Datum experttafel"), required=False, widget=DateInput())
    disciplines = forms.MultipleChoiceField(
        label=_("Aanwezige disciplines"),
        required=False,
        choices=ExpertDiscipline.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    question = forms.CharField(
        label=_("Vraag aan de experttafel"), required=False, max_length=4000, widget=forms.Textarea
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class ExpertTableDecideForm(ExpertTableConveneForm):
    """The whole expert table: its meeting, advice and outcome (edit or decide)."""

    advice = forms.CharField(
        label=_("Advies"), required=False, max_length=4000, widget=forms.Textarea
    )
    outcome = forms.ChoiceField(
        label=_("Uitkomst"),
        required=False,
        choices=[("", _("— nog niet besloten —")), *ExpertTableOutcome.choices],
    )
    outcome_note = forms.CharField(
        label=_("Toelichting op de uitkomst"),
        help_text=_("Verplicht bij een bijzonder arrangement: beschrijf het arrangement."),
        required=False,
        max_length=4000,
        widget=forms.Textarea,
    )
    decided_on = forms.DateField(
        label=_("Besloten op"),
        help_text=_("Leeg: vandaag."),
        required=False,
        widget=DateInput(),
    )

    @staticmethod
    def initial_from(table: Any) -> dict[str, Any]:
        return {
            name: getattr(table, name)
            for name in (
                "convened_on",
                "disciplines",
                "question",
                "advice",
                "outcome",
                "outcome_note",
                "decided_on",
            )
        }
