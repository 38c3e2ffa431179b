"""The local demo (`make run`): SQLite, tasks in-process, two-factor sign-in off by default."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env_bool

DEBUG = env_bool("DEBUG", True)
REQUIRE_2FA = env_bool("REQUIRE_2FA", False)
