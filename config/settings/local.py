"""The local demo (`make run`): SQLite, tasks in-process, two-factor sign-in off by default."""

from config.settings.base import *  # noqa: F403
from config.settings.base import REDIS_URL, env_bool

DEBUG = env_bool("DEBUG", True)
REQUIRE_2FA = env_bool("REQUIRE_2FA", False)

# No broker in the demo: periodic jobs run in a thread of the web process.
INPROCESS_SCHEDULER = env_bool("INPROCESS_SCHEDULER", not REDIS_URL)
