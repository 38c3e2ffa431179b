"""The message form: the service checks the content, the form only its shape."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.validators import no_control_characters_multiline
from conversations.models import BODY_MAX_LENGTH


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Uw bericht"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_control_characters_multiline],
        error_messages={"required": _("Schrijf een bericht.")},
    )
