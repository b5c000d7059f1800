"""Browser journeys: Playwright drives Debian's Chromium (/usr/bin/chromium), headless.

Never ``playwright install``: the browser comes from the system package (see .ci/run).
Every journey runs axe (WCAG 2.0/2.1 A and AA) on the pages it visits and fails on any
Content-Security-Policy violation reported by the browser.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run there
# unless told that the test process knows what it does.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.fail(
            f"Chromium introuvable ({CHROMIUM}) : apt-get install chromium (voir .ci/run).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: object, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(
        base_url=str(live_server), locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            problems.append(text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"JS: {error}"))
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not problems, f"Violations CSP ou erreurs JavaScript : {problems}"


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """axe finds no WCAG 2.1 A/AA violation on the page as it is now."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.violations_count == 0, results.generate_report()


#: Figures measured by the journeys (page weight, interaction counts), printed at the end.
FIGURES: dict[str, str] = {}


def pytest_terminal_summary(terminalreporter: object) -> None:
    if FIGURES:
        write = terminalreporter.write_line  # type: ignore[attr-defined]
        write("")
        write("Mesures des parcours navigateur :")
        for key, value in FIGURES.items():
            write(f"  {key}: {value}")


def log_in(page: Page, email: str, password: str) -> None:
    """Log in through the real form; for roles that need it, answer the TOTP step with a real
    code (the account's authenticator, created here if the demo account has none yet)."""
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    from mds.models import User
    from mds.permissions import needs_mfa
    from tests.factories import give_totp

    user = User.objects.get(email=email)
    secret = None
    if needs_mfa(user):
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        secret = decrypt(totp.data["secret"]) if totp else give_totp(user)
    page.goto("/compte/login/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    if secret:
        page.get_by_label("Code").fill(
            format_hotp_value(hotp_value(secret, int(time.time()) // 30))
        )
        page.get_by_role("button", name="Connexion").click()
