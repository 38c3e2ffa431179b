"""Validators shared by forms, services and the admin."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The rule, said once: a control character is any character of Unicode category Cc
# (C0/C1 controls: NUL, TAB, CR, LF, ESC …) or Cf (format: zero-width space and joiner,
# soft hyphen, byte-order mark, bidirectional overrides …). The ordinary space is neither.
# A single-line text (a name) may hold none; a multi-line text only line breaks.
_CONTROL_CATEGORIES = frozenset({"Cc", "Cf"})
_LINE_BREAKS = frozenset("\r\n")


def is_control_character(char: str) -> bool:
    return unicodedata.category(char) in _CONTROL_CATEGORIES


def strip_control_characters(value: str) -> str:
    """`value` with every control character replaced by a space (subjects, headers, logs)."""
    return "".join(" " if is_control_character(char) else char for char in value)


def control_characters_errors(value: object, *, multiline: bool = False) -> list[str]:
    """The Dutch message (as a list, empty when fine) for a text breaking the rule above."""
    if not isinstance(value, str):
        return []
    allowed = _LINE_BREAKS if multiline else frozenset()
    if any(is_control_character(char) and char not in allowed for char in value):
        if multiline:
            return [_("Gebruik geen tabs of onzichtbare tekens.")]
        return [_("Gebruik geen regeleinden, tabs of onzichtbare tekens.")]
    return []


def no_control_characters(value: object) -> None:
    """Django validator: refuse a single-line text holding any control character."""
    errors = control_characters_errors(value)
    if errors:
        raise ValidationError(errors, code="control_characters")


def no_control_characters_multiline(value: object) -> None:
    """Django validator: refuse a multi-line text holding control characters but line breaks."""
    errors = control_characters_errors(value, multiline=True)
    if errors:
        raise ValidationError(errors, code="control_characters")
