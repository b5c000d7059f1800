"""The waiting-room screen with the most it may show — 8 called lines, long desk names, a
three-digit waiting count — fits a 1080p and a 720p screen without scrolling, in FR, EN and AR;
desk names are reference data shown in the language of each turn (issue 13, item 3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accueil.models import Desk, Status
from accueil.selectors import board_for
from accueil.services import desk_named
from demo.seed import seed
from mds.models import MDS
from tests.accueil.factories import PassageFactory
from tests.e2e.conftest import FIGURES, assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def crowded_board() -> MDS:
    seed(password="Demo-navigateur-2026")
    mds = MDS.objects.get(code="malpasse")
    start = timezone.now() - dt.timedelta(hours=1)
    for i in range(10):
        desk_named(mds_id=mds.pk, label=f"Bureau {i + 10} — rez-de-chaussée, couloir B")
    Desk.objects.filter(mds=mds, label__startswith="Bureau 1").update(
        label_en="Office — ground floor, corridor B", label_ar="مكتب — الطابق الأرضي، الممر ب"
    )
    for i in range(130):
        called = i < 10
        PassageFactory(
            mds=mds,
            ticket_number=i + 101,
            arrived_at=start,
            status=Status.CALLED if called else Status.WAITING,
            desk=f"Bureau {i + 10} — rez-de-chaussée, couloir B" if called else "",
            called_at=start + dt.timedelta(minutes=i) if called else None,
        )
    assert len(board_for(mds=mds)) == 8  # the most the screen shows
    return mds


@pytest.mark.parametrize(
    "viewport", [{"width": 1920, "height": 1080}, {"width": 1280, "height": 720}]
)
def test_the_fullest_board_fits_the_screen(page: Page, viewport: dict[str, int]) -> None:
    mds = crowded_board()
    page.set_viewport_size(viewport)
    for lang in ("fr", "en", "ar"):
        page.goto(f"/ecran/{mds.board_token}/?langue={lang}")
        expect(page.locator("#tableau tbody tr")).to_have_count(8)
        expect(page.locator(".waiting .num")).to_have_text("120")
        desk = {"fr": "Bureau 19", "en": "Office — ground", "ar": "مكتب — الطابق"}[lang]
        expect(page.locator("#tableau tbody tr").first).to_contain_text(desk)
        sizes = page.evaluate(
            """() => ({
                scroll: document.scrollingElement.scrollHeight,
                scrollWidth: document.scrollingElement.scrollWidth,
                bottom: document.querySelector('.waiting').getBoundingClientRect().bottom,
                height: window.innerHeight,
                width: window.innerWidth,
            })"""
        )
        FIGURES[f"écran {viewport['width']}×{viewport['height']} {lang} : bas du compte (px)"] = (
            f"{sizes['bottom']:.0f} / {sizes['height']}"
        )
        assert sizes["bottom"] <= sizes["height"], sizes
        assert sizes["scroll"] <= sizes["height"], sizes
        assert sizes["scrollWidth"] <= sizes["width"], sizes
        assert_accessible(page)


def test_the_language_rotation_names_the_desk_in_each_language(page: Page) -> None:
    seed(password="Demo-navigateur-2026")  # demo desks come with their translations
    mds = MDS.objects.get(code="malpasse")
    now = timezone.now()
    PassageFactory(
        mds=mds,
        ticket_number=42,
        arrived_at=now - dt.timedelta(minutes=3),
        status=Status.CALLED,
        desk="Bureau 2",
        called_at=now,
    )
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"/ecran/{mds.board_token}/")  # no ?langue: FR, EN, AR in turn (15 s each)
    row = page.locator("#tableau tbody tr").first
    expect(row).to_contain_text("Bureau 2")
    for lang, desk in (("en", "Office 2"), ("ar", "المكتب 2")):
        expect(page.locator(f'html[lang="{lang}"]')).to_have_count(1, timeout=20_000)
        expect(row).to_contain_text(desk)
        assert_accessible(page)
    assert page.locator("html").get_attribute("dir") == "rtl"
