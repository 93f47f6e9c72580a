"""The guest copy as Chromium prints it: the demo's programme for a guest on two A4 pages."""

import io

import pytest
from pypdf import PdfReader

from planner.accounts.models import Role
from tests.browser import chromium_pages, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def officer_page(app, create_staff):
    officer = create_staff(Role.VIEWER)
    with chromium_pages(app) as new_page:
        page = new_page()
        sign_in(page, officer)
        yield page


def printed_pages(page, url: str) -> PdfReader:
    page.goto(url)
    page.emulate_media(media="print")
    return PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))


def printed_text(page, url: str) -> str:
    return "".join(sheet.extract_text() for sheet in printed_pages(page, url).pages)


def test_the_demo_guest_copy_prints_on_two_a4_pages_in_english_and_persian(
    officer_page, demo_visit
):
    ambassador = demo_visit.head_of_delegation  # the guest with the fullest programme
    url = f"/visits/{demo_visit.id}/participants/{ambassador.id}/programme?print=participant"
    for language in ("en", "fa"):
        pdf = printed_pages(officer_page, f"{url}&lang={language}")
        assert len(pdf.pages) <= 2, language
        # Persian comes out of a PDF as presentation forms, fi as a ligature: Latin words are read.
        text = "".join(page.extract_text() for page in pdf.pages)
        assert "Lunch hosted by the Mayor of Khorramabad" in text, language  # on day 2
        assert "Departure from Khorramabad Airport" in text, language  # the last stop
        # The officer's bar, its buttons and the site's navigation stay on the screen.
        assert "Back to the staff view" not in text and "Pishvaz" not in text, language
    assert "With Ms. Leila Amiri and 5 others" in printed_text(officer_page, f"{url}&lang=en")


def test_every_guest_copy_of_the_demo_fits_on_two_pages_in_its_own_language(
    officer_page, demo_visit
):
    for participant in demo_visit.participants:
        url = f"/visits/{demo_visit.id}/participants/{participant.id}/programme?print=participant"
        pdf = printed_pages(officer_page, url)
        assert len(pdf.pages) <= 2, participant.person.full_name_latin
