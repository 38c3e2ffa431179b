"""Tags of the one form-field template, `partials/field.html` (NL Design System / GOV.UK
pattern: label, required/optional mark, hint, error message, then the field). Registered in
TEMPLATES OPTIONS "libraries" (config is no installed app): `{% load form_fields %}`."""

from django import forms, template
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def field_mark(field: forms.BoundField) -> str:
    """The mark after the label. A referral step saves a draft, so nothing is required to
    save it: there the fields the submission needs (`submit_required` of the form) are
    marked, in the form's own words when it has them (`submit_mark`: a crisis request's VA
    "volgt na plaatsing"). Elsewhere, GOV.UK style, the optional fields are marked (most are
    required), unless the label itself says when the field is needed ("Toelichting
    (verplicht bij anders)"): a second, contradicting "(niet verplicht)" would only confuse."""
    submit_required = getattr(field.form, "submit_required", None)
    if submit_required is not None:
        if field.name not in submit_required:
            return ""
        return str(getattr(field.form, "submit_mark", "") or _("verplicht voor indienen"))
    if field.field.required or isinstance(field.field.widget, forms.CheckboxInput):
        return ""
    if _says_when_needed(str(field.label or "")):
        return ""
    return _("niet verplicht")


# Words in a label that already tell whether the field must be filled in.
_NEEDED_WORDS = ("verplicht", "optioneel", "eventueel", "indien van toepassing")


def _says_when_needed(label: str) -> bool:
    lowered = label.lower()
    return any(word in lowered for word in _NEEDED_WORDS)


@register.simple_tag
def field_mark_own_line(field: forms.BoundField) -> bool:
    """Whether the mark goes on a small line of its own under the label: after a label that
    is a question or a sentence with an explanation in brackets ("Wat in de verklarende
    analyse was de aanleiding?"), "(niet verplicht)" read as part of the sentence."""
    label = str(field.label or "").strip()
    return label.endswith("?") or "(" in label or len(label) > 45


@register.simple_tag
def field_limit(field: forms.BoundField) -> int | None:
    """The character limit of a long text field (a textarea with a max_length), else None."""
    if not isinstance(field.field.widget, forms.Textarea):
        return None
    return getattr(field.field, "max_length", None)


@register.filter
def thousands(value: int) -> str:
    """20000 → "20.000" (Dutch grouping, whatever USE_THOUSAND_SEPARATOR says)."""
    return number_format(value, force_grouping=True)


@register.simple_tag
def field_widget(field: forms.BoundField, mark: str = "", limit: int | None = None) -> SafeString:
    """The widget, described by the mark, the hint, the character count and the error (in
    reading order); invalid fields get aria-invalid (Django)."""
    ids = []
    if mark:
        ids.append(f"{field.auto_id}_mark")
    if field.help_text or limit:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    attrs: dict[str, str | bool] = {"aria-describedby": " ".join(ids)} if ids else {}
    if limit:
        attrs["data-maxlength"] = str(limit)
        attrs["data-count"] = f"{field.auto_id}_count"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def field_anchor(field: forms.BoundField) -> str:
    """The id the error summary links to: the field, or the first option of a group."""
    if field.field.widget.use_fieldset:
        return f"{field.auto_id}_0"
    return field.id_for_label
