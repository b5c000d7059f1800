"""Vault journey in Chromium: consent, credential, reveal with re-authentication, hand-over sheet,
deletion, document scan; then the DPO exports and erases the person. axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accompagnement.models import Usager
from demo.seed import seed
from mds.models import Membership, User
from rgpd.demo import seed_consent_purposes
from rgpd.models import JournalAction, JournalEntry, ScannedDocument, Secret, TemporaryCredential
from tests.e2e.conftest import assert_accessible, log_in
from tests.rgpd.factories import PNG_BYTES
from tests.rgpd.utils import clear_journal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Demo-coffre-2026"
MEDIATOR = "mediateur@malpasse.demo.fr"
DPO = "dpo@demo.fr"
NAME = "Odette-Parcours"


@pytest.fixture(autouse=True)
def _empty_journal() -> object:
    yield
    clear_journal()


def test_vault_journey_from_consent_to_erasure(page: Page) -> None:
    seed(password=PASSWORD)
    seed_consent_purposes()
    mediator = User.objects.get(email=MEDIATOR)
    mds = Membership.objects.filter(user=mediator).first().mds  # type: ignore[union-attr]
    usager = Usager.objects.create(mds=mds, display_name=NAME, birth_year=1950)

    log_in(page, MEDIATOR, PASSWORD)
    page.goto(f"/coffre/?q={NAME}")
    assert_accessible(page)
    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(NAME)
    assert_accessible(page)

    # Consent for a temporary credential.
    page.get_by_role("link", name="Recueillir un consentement").click()
    assert_accessible(page)
    page.get_by_label("Garder temporairement des identifiants").check()
    page.get_by_label("Oral, devant témoin").check()
    page.get_by_label("J'ai lu ou montré ce texte").check()
    page.get_by_role("button", name="Enregistrer le consentement").click()
    expect(page.get_by_role("status").first).to_contain_text("Consentement enregistré")

    # Store a credential.
    page.get_by_role("link", name="Garder des identifiants").click()
    assert_accessible(page)
    page.get_by_label("Service").select_option("caf")
    page.get_by_label("Identifiant").fill("odette.caf")
    page.get_by_label("Mot de passe ou code").fill("Caf-Secret-2026")
    page.get_by_role("button", name="Chiffrer et garder").click()
    expect(page.get_by_role("status").first).to_contain_text("Identifiants gardés")
    assert TemporaryCredential.objects.filter(usager=usager).count() == 1

    # Reveal with a reason: re-authentication first.
    page.get_by_role("link", name=re.compile(r"^Afficher")).click()
    assert_accessible(page)
    page.get_by_role("link", name="Confirmer mon identité").click()
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Confirm")).click()
    expect(page).to_have_url(re.compile(r"/coffre/identifiants/"))
    page.get_by_label("Démarche en cours avec la personne").check()
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("Caf-Secret-2026")).to_be_visible()
    assert_accessible(page)

    # The easy path: hand-over sheet (one click, no second "Afficher"), then delete.
    page.get_by_role("button", name="Remettre à la personne (feuille)").click()
    expect(page.get_by_role("heading", name="Vos identifiants")).to_be_visible()
    expect(page.get_by_text("odette.caf")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Remise faite : supprimer du coffre").click()
    expect(page.get_by_role("status").first).to_contain_text("Identifiants détruits")
    secret = TemporaryCredential.objects.get(usager=usager).secret
    secret.refresh_from_db()
    assert secret.is_shredded

    # Scan a document from the tablet flow.
    page.get_by_role("link", name="Numériser un document").click()
    page.get_by_role("link", name="Recueillir son consentement").click()
    page.get_by_label("Garder temporairement un document numérisé").check()
    page.get_by_label("Oral, devant témoin").check()
    page.get_by_label("J'ai lu ou montré ce texte").check()
    page.get_by_role("button", name="Enregistrer le consentement").click()
    page.get_by_role("link", name="Numériser un document").click()
    assert_accessible(page)
    file_input = page.get_by_label("Photo ou fichier")
    assert file_input.get_attribute("capture") == "environment"
    file_input.set_input_files(
        files=[{"name": "justificatif.png", "mimeType": "image/png", "buffer": PNG_BYTES}]
    )
    page.get_by_label("Type de document").select_option("address")
    page.get_by_role("button", name="Chiffrer et garder").click()
    expect(page.get_by_role("status").first).to_contain_text("Document chiffré")
    assert ScannedDocument.objects.filter(usager=usager).count() == 1
    page.get_by_role("button", name="Se déconnecter").click()

    # DPO: export then erase.
    log_in(page, DPO, PASSWORD)  # answers the TOTP step
    expect(page.get_by_role("heading", level=1)).to_have_text("Protection des données")
    assert_accessible(page)
    page.get_by_label("Prénom, pseudonyme ou numéro").fill(NAME)
    page.get_by_role("button", name="Chercher une personne").click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Exporter")).click()
    expect(page.get_by_text(NAME).first).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger (JSON)").click()
    assert download.value.suggested_filename == f"personne-{usager.pk}.json"
    page.get_by_role("link", name="Effacer cette personne").click()
    assert_accessible(page)
    page.get_by_label("Pour confirmer, tapez le numéro de la personne").fill(str(usager.pk))
    page.get_by_role("button", name="Effacer définitivement").click()
    expect(page.get_by_role("status").first).to_contain_text("anonymisée")
    assert_accessible(page)
    usager.refresh_from_db()
    assert usager.display_name == "" and usager.birth_year is None
    assert all(s.is_shredded for s in Secret.objects.filter(mds=mds))
    page.goto("/rgpd/registre/")
    assert_accessible(page)
    page.goto("/rgpd/journal/")
    assert_accessible(page)


def test_hand_over_from_the_vault_is_one_confirmation_then_the_sheet(page: Page) -> None:
    """From the person's vault: one button, the password (re-authentication), the sheet —
    no second "Afficher"; journaled once as a hand-over."""
    from tests.rgpd.factories import make_consent, make_credential

    seed(password=PASSWORD)
    seed_consent_purposes()
    mediator = User.objects.get(email=MEDIATOR)
    mds = Membership.objects.filter(user=mediator).first().mds  # type: ignore[union-attr]
    usager = Usager.objects.create(mds=mds, display_name=NAME, birth_year=1950)
    credential = make_credential(
        usager, consent=make_consent(usager), identifier="odette.ameli", secret="Ameli-2026"
    )
    log_in(page, MEDIATOR, PASSWORD)
    page.goto(f"/coffre/personne/{usager.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"^Remettre à la personne \(feuille\)")).click()
    # The login was a while ago as far as the vault is concerned: the password, once.
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Confirm")).click()
    expect(page.get_by_role("heading", name="Vos identifiants")).to_be_visible()
    expect(page.get_by_text("Ameli-2026")).to_be_visible()
    expect(page.get_by_role("button", name="Afficher")).to_have_count(0)
    assert_accessible(page)
    hand_overs = JournalEntry.objects.filter(
        action=JournalAction.HAND_OVER_CREDENTIAL, target_id=str(credential.pk)
    )
    assert list(hand_overs.values_list("reason", flat=True)) == ["hand_over"]


def _draw(page: Page, points: list[tuple[float, float]]) -> None:
    """Draw a stroke with the mouse (pointer events) on the signature canvas."""
    canvas = page.locator("canvas.signature-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    x0, y0 = box["x"], box["y"]
    page.mouse.move(x0 + points[0][0], y0 + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x0 + x, y0 + y, steps=8)
    page.mouse.up()


def test_consent_signed_on_the_tablet_is_shown_on_the_proof(page: Page, browser: object) -> None:
    """Sign with the pointer, clear, sign again, save; the proof shows the signature (served
    decrypted by its own journaled view). Without a drawing the form says what to do."""
    from rgpd.models import Consent, ConsentSignature

    seed(password=PASSWORD)
    seed_consent_purposes()
    mediator = User.objects.get(email=MEDIATOR)
    mds = Membership.objects.filter(user=mediator).first().mds  # type: ignore[union-attr]
    usager = Usager.objects.create(mds=mds, display_name=NAME, birth_year=1950)
    log_in(page, MEDIATOR, PASSWORD)
    page.goto(f"/coffre/personne/{usager.pk}/consentement/")
    canvas = page.locator("canvas.signature-canvas")
    expect(canvas).to_be_hidden()
    expect(page.get_by_text("a besoin de JavaScript")).to_be_hidden()
    expect(
        page.get_by_text("choisissez « Oral, devant témoin » : c'est tout aussi valable")
    ).to_be_visible()
    page.get_by_label("Garder temporairement un document numérisé").check()
    page.get_by_label("Signature sur la tablette").check()
    expect(canvas).to_be_visible()
    assert_accessible(page)

    # Saved without a drawing: refused, in French, nothing recorded.
    page.get_by_label("J'ai lu ou montré ce texte").check()
    page.get_by_role("button", name="Enregistrer le consentement").click()
    expect(page.get_by_role("alert").first).to_contain_text("Faites signer la personne")
    assert not Consent.objects.filter(usager=usager).exists()
    assert_accessible(page)

    # A stroke, "Effacer", then the real signature.
    signature = page.locator("input[name='signature']")
    _draw(page, [(30, 100), (120, 40)])
    assert signature.input_value().startswith("data:image/png;base64,")
    page.get_by_role("button", name="Effacer").click()
    assert signature.input_value() == ""
    expect(page.get_by_role("status").last).to_contain_text("Cadre effacé")
    _draw(page, [(40, 150), (110, 50), (180, 160), (250, 60), (330, 150), (400, 70)])
    expect(page.get_by_role("status").last).to_contain_text("Signature prise en compte")
    page.get_by_label("J'ai lu ou montré ce texte").check()
    page.get_by_role("button", name="Enregistrer le consentement").click()
    expect(page.get_by_role("status").first).to_contain_text("Consentement enregistré")
    consent = Consent.objects.get(usager=usager)
    assert ConsentSignature.objects.get(consent=consent).size > 0

    page.get_by_role("link", name=re.compile("^Preuve à imprimer")).click()
    image = page.get_by_role("img", name=f"Signature de {NAME}, tracée sur la tablette")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 100")
    assert_accessible(page)
    assert JournalEntry.objects.filter(
        action=JournalAction.VIEW_SIGNATURE, target_id=str(consent.pk)
    ).exists()


def test_without_javascript_the_signature_option_says_to_choose_another_method(
    page: Page, browser: object, live_server: object
) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    seed(password=PASSWORD)
    seed_consent_purposes()
    mediator = User.objects.get(email=MEDIATOR)
    mds = Membership.objects.filter(user=mediator).first().mds  # type: ignore[union-attr]
    usager = Usager.objects.create(mds=mds, display_name=NAME, birth_year=1950)
    log_in(page, MEDIATOR, PASSWORD)  # with JavaScript; the session goes on without it
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    context = browser.new_context(
        base_url=str(live_server),
        java_script_enabled=False,
        storage_state=page.context.storage_state(),
    )
    try:
        page = context.new_page()
        page.goto(f"/coffre/personne/{usager.pk}/consentement/")
        expect(page.get_by_text("a besoin de JavaScript")).to_be_visible()
        expect(page.locator("canvas.signature-canvas")).to_be_hidden()
        # axe needs JavaScript in the page: the same template is checked with it above.
        page.get_by_label("Garder temporairement un document numérisé").check()
        page.get_by_label("Oral, devant témoin").check()
        page.get_by_label("J'ai lu ou montré ce texte").check()
        page.get_by_role("button", name="Enregistrer le consentement").click()
        expect(page.get_by_role("status").first).to_contain_text("Consentement enregistré")
    finally:
        context.close()
