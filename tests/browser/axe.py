"""axe-core (from npm) on every page a browser journey visits: zero serious or critical
WCAG 2.1 A/AA violations.

Injection under our strict CSP: `page.add_script_tag` adds an inline <script>, which the
Content-Security-Policy blocks. We evaluate axe's source through Playwright instead
(`page.evaluate`, i.e. the DevTools protocol), which the page's CSP does not govern — so the
site's policy stays exactly as users get it, with no `bypass_csp` and no init script.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parent.parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


@cache
def _axe_source() -> str:
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `npm ci` (axe-core is in package.json)")
    return AXE_JS.read_text(encoding="utf-8")


class AccessibilityError(AssertionError):
    pass


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Every WCAG 2.1 A/AA violation axe finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # A bare expression, not a function: Playwright evaluates the whole file.
        page.evaluate(_axe_source() + "\n;undefined")
    result: dict[str, Any] = page.evaluate(
        """(tags) => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        WCAG_TAGS,
    )
    return list(result["violations"])


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core: {len(violations)} serious/critical violation(s) on {url}"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def check_a11y(page: Page) -> None:
    """Fail with a readable list (rule, help, selectors) on any serious/critical violation."""
    page.wait_for_load_state("load")
    blocking = [v for v in axe_violations(page) if v.get("impact") in BLOCKING]
    if blocking:
        raise AccessibilityError(format_violations(page.url, blocking))
