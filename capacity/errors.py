"""Domain errors of the capacity register."""

from django.utils.translation import gettext as _

from config.errors import Conflict


class NoFreePlace(Conflict):
    """The location has no free place left to hold (HTTP 409)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("Deze locatie heeft geen vrije plaats meer."))
