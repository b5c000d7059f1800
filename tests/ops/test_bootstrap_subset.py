"""The vendored Bootstrap subset (scripts/build-bootstrap-subset.sh) holds every Bootstrap class
the project uses: a template that starts using one the subset lacks fails here, with the command
that rebuilds the subset, instead of rendering unstyled in production."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP = ROOT / "static" / "vendor" / "bootstrap"
APPS = ("accueil", "accompagnement", "orientations", "pilotage", "rgpd", "mds", "notifications")
COMMENT = re.compile(r"/\*.*?\*/", re.S)
SELECTOR_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
TEMPLATE_TAG = re.compile(r"\{[{%].*?[}%]\}")
HTML_CLASS = re.compile(r'class="([^"]*)"')
PY_CLASS = re.compile(r"""["']class["']\s*:\s*["']([^"']+)["']""")
JS_CLASS = re.compile(
    r"""(?:className\s*=|classList\.(?:add|toggle|remove)\()\s*["']([^"']+)["']"""
)


def _classes(css_file: Path) -> set[str]:
    return set(SELECTOR_CLASS.findall(COMMENT.sub("", css_file.read_text(encoding="utf-8"))))


def _used_classes() -> set[str]:
    used: set[str] = set()
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    for template in templates:
        for value in HTML_CLASS.findall(template.read_text(encoding="utf-8")):
            used.update(TEMPLATE_TAG.sub(" ", value).split())
    for app in APPS:
        for module in (ROOT / app).rglob("*.py"):
            for value in PY_CLASS.findall(module.read_text(encoding="utf-8")):
                used.update(value.split())
    for script in (ROOT / "static" / "js").glob("*.js"):
        for value in JS_CLASS.findall(script.read_text(encoding="utf-8")):
            used.update(value.split())
    return used


def test_the_bootstrap_subset_keeps_every_bootstrap_class_the_templates_use() -> None:
    used = _used_classes()
    assert {"btn", "form-control", "navbar-collapse", "spinner-border"} <= used  # the scan works
    for full, subset in [
        ("bootstrap.min.css", "bootstrap.subset.min.css"),
        ("bootstrap.rtl.min.css", "bootstrap.subset.rtl.min.css"),
    ]:
        missing = (used & _classes(BOOTSTRAP / full)) - _classes(BOOTSTRAP / subset)
        assert not missing, (
            f"{subset} n'a pas {sorted(missing)} : relancez scripts/build-bootstrap-subset.sh"
        )


def test_the_subset_is_a_fraction_of_bootstrap() -> None:
    for full, subset in [
        ("bootstrap.min.css", "bootstrap.subset.min.css"),
        ("bootstrap.rtl.min.css", "bootstrap.subset.rtl.min.css"),
    ]:
        assert (BOOTSTRAP / subset).stat().st_size < (BOOTSTRAP / full).stat().st_size / 3
