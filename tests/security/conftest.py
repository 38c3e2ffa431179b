"""Attack tests: each adds its numbers to `REPORT`, printed at the end of every pytest run."""

from typing import Any

import pytest

# "access matrix" -> {"probes": n, "refused cells allowed": m}, etc.
REPORT: dict[str, dict[str, int]] = {}


def report(name: str, **numbers: int) -> None:
    """Add to a test's numbers (several parametrised tests may add to one line)."""
    line = REPORT.setdefault(name, {})
    for key, value in numbers.items():
        line[key] = line.get(key, 0) + value


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    # Shown by `make test` whatever the -r / -s options: the bar of issue 8 in numbers.
    for name, numbers in REPORT.items():
        parts = ", ".join(f"{value} {key}" for key, value in numbers.items())
        terminalreporter.write_line(f"security: {name}: {parts}")
