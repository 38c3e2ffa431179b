"""The steps of the referral form. Every field is optional: a step saves a draft; the rules
of submission live in `referrals.services.submission_problems`."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality
from config.codes import CareForm, Expertise, Gender, Intensity, LegalStatus, RiskFlag
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
    legal_status = forms.ChoiceField(
        label=_("Juridische status"), required=False, choices=[*BLANK, *LegalStatus.choices]
    )
    current_situation = forms.CharField(
        label=_("Huidige situatie"),
        help_text=_("Waar en bij wie woont de jongere nu, en welke hulp loopt er al?"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
    )
    previous_placements = forms.IntegerField(
        label=_("Aantal eerdere plaatsingen"), required=False, min_value=0, max_value=100
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

    paths = {
        "legal_status": "legal_status",
        "current_situation": "current_situation",
        "previous_placements": "previous_placements",
        "school.name": "school_name",
        "school.level": "school_level",
        "requested_start": "requested_start",
    }
    submit_required = frozenset({"legal_status"})

    @staticmethod
    def initial_from(referral: Referral) -> dict[str, Any]:
        attending = referral.school_attending
        return {
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


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Vraag aan de verwijzer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": "3"}),
    )


class ExpertTableForm(forms.Form):
    note = forms.CharField(
        label=_("Waarom een experttafel?"),
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
