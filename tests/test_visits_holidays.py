"""A visit's page and timeline mark the public holidays on its days, in the reader's
language, and never show a day's holiday kept from before a change of dates or countries."""

import re
from datetime import date

from planner.accounts.models import Role
from planner.extensions import db
from planner.organizations.models import Organization, OrganizationKind


def day_headings(page: str) -> list[str]:
    """Each day's heading and what follows it up to its first stop or 'Nothing planned'."""
    return re.findall(
        r'class="day__heading".*?</h[23]>\s*(?:<p class="day__holiday">.*?</p>)?', page, re.S
    )


def holidays_shown(page: str) -> list[str]:
    return re.findall(r'<p class="day__holiday">(.*?)</p>', page)


def test_the_kazakh_independence_day_is_marked_on_its_day_only(ambassador_visit, client, signed_in):
    # The visit is on 15 and 16 December 2026; the 16th is Kazakhstan's Independence Day.
    signed_in(Role.PLANNER)
    for url in (f"/visits/{ambassador_visit.id}", f"/visits/{ambassador_visit.id}/timeline"):
        days = day_headings(client.get(url).text)
        assert len(days) == 2
        assert "day__holiday" not in days[0]
        assert (
            '<p class="day__holiday">Public holiday: <bdi>Independence Day (Kazakhstan)</bdi></p>'
            in days[1]
        )


def test_a_persian_reader_reads_the_holiday_in_persian(ambassador_visit, client, signed_in):
    user = signed_in(Role.VIEWER)
    english = holidays_shown(client.get(f"/visits/{ambassador_visit.id}").text)
    user.locale = "fa"
    db.session.commit()
    for url in (f"/visits/{ambassador_visit.id}", f"/visits/{ambassador_visit.id}/timeline"):
        shown = holidays_shown(client.get(url).text)
        # Kept apart from the English page kept just before: the country in Persian.
        assert shown == ["تعطیل رسمی: <bdi>Independence Day (قزاقستان)</bdi>"]
    assert english == ["Public holiday: <bdi>Independence Day (Kazakhstan)</bdi>"]


def test_iran_s_holidays_are_named_in_persian_and_both_countries_are_marked(
    create_visit, client, signed_in
):
    # 21 March 2027 is Nowruz (a holiday in Iran and in Kazakhstan, as Nauryz).
    host = Organization(
        name="Lorestan province", kind=OrganizationKind.GOVERNMENT_OFFICE, country="IR"
    )
    db.session.add(host)
    visit = create_visit(
        start_date=date(2027, 3, 21), end_date=date(2027, 3, 21), host_organization=host
    )
    user = signed_in(Role.VIEWER)
    user.locale = "fa"
    db.session.commit()
    (shown,) = holidays_shown(client.get(f"/visits/{visit.id}").text)
    assert shown.startswith("تعطیل رسمی: <bdi>")
    assert "(ایران)" in shown and "(قزاقستان)" in shown


def test_a_change_of_dates_or_countries_is_seen_at_the_next_request(
    ambassador_visit, client, signed_in
):
    signed_in(Role.PLANNER)
    url = f"/visits/{ambassador_visit.id}"
    assert len(holidays_shown(client.get(url).text)) == 1  # kept
    ambassador_visit.visiting_country = "TR"
    db.session.commit()
    assert holidays_shown(client.get(url).text) == []
    ambassador_visit.visiting_country = "KZ"
    ambassador_visit.start_date = ambassador_visit.end_date = date(2026, 12, 15)
    db.session.commit()
    assert holidays_shown(client.get(url).text) == []
