"""Hypothesis settings for every property test (tests/ holds the fixtures).

`make test` runs the same examples every time (`derandomize`), so a landing never depends on
luck. To hunt for new counter-examples, run with HYPOTHESIS_PROFILE=explore: every run then
draws new examples and keeps failures in .hypothesis/. A failure prints the blob that
replays it (`@reproduce_failure`).
"""

import os

from hypothesis import settings

settings.register_profile("fixed", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))
