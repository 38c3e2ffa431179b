"""The upload form of the documents section: presence here, the content in the service."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from documents.models import Document
from documents.validation import size_text


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort document"),
        choices=[("", _("Kies een soort")), *Document.Kind.choices],
        error_messages={
            "required": _("Kies een soort document."),
            "invalid_choice": _("Kies een soort document."),
        },
    )
    file = forms.FileField(
        label=_("Bestand"),
        error_messages={
            "required": _("Kies een bestand."),
            "empty": _("Het bestand is leeg."),
            "invalid": _("Kies een bestand."),
        },
        # Styled like the other NL Design System fields (static/css/forms.css).
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.odt,.png,.jpg,.jpeg", "class": "rop-file-input"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "utrecht-select utrecht-select--html-select"
        self.fields["file"].help_text = gettext_now(
            "PDF, DOCX, ODT, PNG of JPEG, ten hoogste %(limit)s."
        ) % {"limit": size_text(settings.DOCUMENT_MAX_BYTES)}
