"""A visit's report as staff read it, and as CSV and Excel: its figures are the data's."""

import csv
import io
import random
import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa
from markupsafe import escape

from planner.accounts.models import Role
from planner.clock import utc_now
from planner.extensions import db
from planner.itinerary.models import StopStatus
from planner.outcomes.models import FollowUp, FollowUpStatus, Outcome, OutcomeKind
from planner.reports import queries

CURRENCIES = ("USD", "EUR", "KZT", "IRR")
SUMMARIES = (
    "صادرات ماکارونی و بیسکویت به قزاقستان",
    "تفاهم‌نامه همکاری اتاق بازرگانی لرستان",
    "Travertine slabs for Astana",
    '=HYPERLINK("http://evil.example") looks like a formula',
)
CENT = Decimal("0.01")


def expected_figures(visit_id: int):
    """Counts by kind and value totals per (kind, currency), from the rows, in plain Python."""
    db.session.expire_all()
    outcomes = db.session.scalars(sa.select(Outcome).where(Outcome.visit_id == visit_id)).all()
    counts = Counter(outcome.kind for outcome in outcomes)
    totals = defaultdict(Decimal)
    for outcome in outcomes:
        if outcome.estimated_value is not None:
            totals[(outcome.kind, outcome.currency)] += outcome.estimated_value
    return counts, {key: value.quantize(CENT) for key, value in totals.items()}


def page_section(page: str, element_id: str) -> str:
    return page.split(f'id="{element_id}"', 1)[1].split("</table>", 1)[0]


def page_figures(page: str):
    counts = {
        OutcomeKind(kind): int(count)
        for kind, count in re.findall(
            r'data-kind="(\w+)">.*?data-count="(\d+)"', page_section(page, "counts-by-kind"), re.S
        )
    }
    totals = {
        (OutcomeKind(kind), currency): Decimal(total)
        for kind, currency, total in re.findall(
            r'data-kind="(\w+)" data-currency="(\w+)" data-total="([\d.]+)"',
            page_section(page, "value-totals") if "value-totals" in page else "",
        )
    }
    leads = {
        currency: Decimal(total)
        for currency, total in re.findall(
            r'class="lead-total" data-currency="(\w+)" data-total="([\d.]+)"', page
        )
    }
    return counts, totals, leads


def csv_rows(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_figures(rows: list[dict]):
    kinds = {str(kind.label): kind for kind in OutcomeKind}
    counts = Counter(kinds[row["Kind"]] for row in rows)
    totals = defaultdict(Decimal)
    for row in rows:
        if row["Estimated value"]:
            totals[(kinds[row["Kind"]], row["Currency"])] += Decimal(row["Estimated value"])
    return counts, dict(totals)


def as_decimal(number) -> Decimal:
    assert isinstance(number, int | float), f"{number!r} is not a number cell"
    return Decimal(str(number)).quantize(CENT)


def workbook_figures(data: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Outcomes", "Follow-ups", "Totals"]
    kinds = {str(kind.label): kind for kind in OutcomeKind}
    sheet = workbook["Outcomes"]
    header = [cell.value for cell in sheet[1]]
    kind_col, value_col = header.index("Kind"), header.index("Estimated value")
    currency_col, date_col = header.index("Currency"), header.index("Date")
    counts, totals = Counter(), defaultdict(Decimal)
    for row in sheet.iter_rows(min_row=2, values_only=True):
        assert isinstance(row[date_col], datetime), "dates are date cells"
        kind = kinds[row[kind_col]]
        counts[kind] += 1
        if row[value_col] is not None:
            totals[(kind, row[currency_col])] += as_decimal(row[value_col])
    # The Totals sheet: (kind, currency, count, total) rows, a blank row, (kind, count) rows.
    sheet_totals, sheet_counts, part = {}, {}, "values"
    for row in workbook["Totals"].iter_rows(min_row=2, values_only=True):
        if row[0] is None:
            part = "gap"
        elif part == "gap":
            part = "kinds"  # the second table's header row
        elif part == "values":
            sheet_totals[(kinds[row[0]], row[1])] = as_decimal(row[3])
        else:
            assert isinstance(row[1], int)
            sheet_counts[kinds[row[0]]] = row[1]
    return workbook, counts, dict(totals), sheet_counts, sheet_totals


def check_report_matches(client, visit_id: int) -> None:
    """The page, the CSV and the workbook all show the figures computed from the rows."""
    counts, totals = expected_figures(visit_id)
    leads = {
        currency: total
        for (kind, currency), total in totals.items()
        if kind == OutcomeKind.EXPORT_LEAD
    }

    page = client.get(f"/visits/{visit_id}/report")
    assert page.status_code == 200
    assert page_figures(page.text) == (dict(counts), totals, leads)

    rows = csv_rows(client.get(f"/visits/{visit_id}/report.csv").data)
    assert csv_figures(rows) == (counts, totals)

    response = client.get(f"/visits/{visit_id}/report.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    _book, book_counts, book_totals, sheet_counts, sheet_totals = workbook_figures(response.data)
    assert (book_counts, book_totals) == (counts, totals)
    assert (sheet_counts, sheet_totals) == (dict(counts), totals)


# --- The demo ---------------------------------------------------------------------------


def test_ambassador_visit_report_figures_equal_the_demo_data(demo_visit, client, signed_in):
    signed_in(Role.VIEWER)
    check_report_matches(client, demo_visit.id)


def test_ambassador_visit_report_shows_each_outcome_with_owner_and_due_date(
    demo_visit, client, signed_in, frozen_clock
):
    frozen_clock(datetime(2026, 12, 20, 8, tzinfo=UTC))
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{demo_visit.id}/report").text
    follow_ups = db.session.scalars(sa.select(FollowUp)).all()
    assert len(follow_ups) == 8
    for follow_up in follow_ups:
        assert escape(follow_up.outcome.summary) in page
        assert escape(follow_up.title) in page
        assert escape(follow_up.owner.name) in page
        assert follow_up.due_date.isoformat() in page
    # Export leads: three in USD, never mixed with another currency.
    assert re.search(r'class="lead-total" data-currency="USD" data-total="2450000.00"', page)
    assert "2,450,000" in page
    assert "follow-up--overdue" not in page


def test_report_marks_a_follow_up_overdue_by_the_office_day_not_the_servers(
    demo_visit, client, signed_in, frozen_clock
):
    # The grinding-ball price list is due on 30 December; Tehran's 31st starts at 20:30 UTC.
    frozen_clock(datetime(2026, 12, 30, 20, 29, tzinfo=UTC))
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{demo_visit.id}/report").text
    assert "follow-up--overdue" not in page
    frozen_clock(datetime(2026, 12, 30, 20, 31, tzinfo=UTC))
    page = client.get(f"/visits/{demo_visit.id}/report").text
    overdue_rows = re.findall(r"<tr [^>]*follow-up--overdue[^>]*>.*?</tr>", page, re.S)
    assert len(overdue_rows) == 1
    assert "Grinding-ball price list in Russian" in overdue_rows[0]
    rows = csv_rows(client.get(f"/visits/{demo_visit.id}/report.csv").data)
    assert [row["Overdue follow-ups"] for row in rows].count("1") == 1


# --- Generated data ----------------------------------------------------------------------


def generate_outcomes(visit, owners, seed: int) -> None:
    """Random outcomes: every kind, several currencies, missing values, Persian summaries."""
    rng = random.Random(seed)
    for number in range(rng.randint(12, 30)):
        currency = rng.choice((*CURRENCIES, None))
        value = None
        if currency is not None and rng.random() < 0.85:
            value = Decimal(rng.randint(0, 10**13)).scaleb(-2)
        outcome = Outcome(
            visit=visit,
            kind=rng.choice(list(OutcomeKind)),
            summary=f"{rng.choice(SUMMARIES)} #{number}",
            estimated_value=value,
            currency=currency,
            day=date(2025, 1, 1) + timedelta(days=rng.randint(0, 700)),
            product=rng.choice((None, "گندم", "Pasta")),
        )
        outcome.follow_ups = [
            FollowUp(
                title=f"پیگیری {number}.{index}",
                owner=rng.choice(owners),
                due_date=date(2026, 10, 1) + timedelta(days=rng.randint(0, 180)),
                status=rng.choice(list(FollowUpStatus)),
            )
            for index in range(rng.randint(0, 2))
        ]
        db.session.add(outcome)
    db.session.commit()


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_report_figures_equal_generated_data(
    seed, create_visit, create_staff, client, signed_in, frozen_clock
):
    frozen_clock(datetime(2026, 12, 1, 8, tzinfo=UTC))
    visit = create_visit()
    owners = [create_staff(Role.PLANNER) for _ in range(3)]
    generate_outcomes(visit, owners, seed)
    other = create_visit(title="Another visit")
    generate_outcomes(other, owners, seed + 1)  # must not leak into the first report
    signed_in(Role.VIEWER)
    check_report_matches(client, visit.id)
    check_report_matches(client, other.id)


def test_report_of_a_visit_without_outcomes_says_so(create_visit, client, signed_in):
    visit = create_visit()
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{visit.id}/report").text
    assert "No outcomes have been recorded for this visit yet." in page
    assert "No follow-ups for this visit" in page
    assert csv_rows(client.get(f"/visits/{visit.id}/report.csv").data) == []
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/visits/{visit.id}/report.xlsx").data))
    assert book["Outcomes"].max_row == 1


# --- The files ----------------------------------------------------------------------------


def test_csv_keeps_persian_text_and_defuses_formulas(create_visit, create_staff, client, signed_in):
    visit = create_visit()
    owner = create_staff(Role.PLANNER, name="مریم رستمی")
    outcome = Outcome(
        visit=visit,
        kind=OutcomeKind.EXPORT_LEAD,
        summary="صادرات سنگ تراورتن به آستانه، «فوری»",
        product="=1+1",
        estimated_value=Decimal("1200000.50"),
        currency="KZT",
        day=date(2026, 12, 16),
    )
    outcome.follow_ups = [
        FollowUp(title="ارسال کاتالوگ", owner=owner, due_date=date(2027, 1, 25)),
    ]
    db.session.add(outcome)
    db.session.commit()
    signed_in(Role.VIEWER)

    response = client.get(f"/visits/{visit.id}/report.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith(".csv")
    [row] = csv_rows(response.data)
    assert row["Summary"] == "صادرات سنگ تراورتن به آستانه، «فوری»"
    assert row["Product"] == "'=1+1"
    assert row["Estimated value"] == "1200000.50"
    assert row["Currency"] == "KZT"
    assert row["Date"] == "2026-12-16"
    assert (
        "ارسال کاتالوگ (مریم رستمی, 2027-01-25, Open)"
        in row["Follow-ups: title (owner, due date, status)"]
    )

    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/visits/{visit.id}/report.xlsx").data))
    sheet = book["Outcomes"]
    header = [cell.value for cell in sheet[1]]
    cells = {name: sheet.cell(row=2, column=header.index(name) + 1) for name in header}
    assert cells["Summary"].value == "صادرات سنگ تراورتن به آستانه، «فوری»"
    assert cells["Product"].value == "=1+1" and cells["Product"].data_type == "s"
    assert cells["Estimated value"].value == pytest.approx(1200000.5)
    assert cells["Estimated value"].data_type == "n"
    assert cells["Currency"].value == "KZT"
    assert cells["Date"].value.date() == date(2026, 12, 16)
    assert cells["Date"].is_date


def test_workbook_has_three_sheets_with_typed_cells_and_widths(demo_visit, client, signed_in):
    signed_in(Role.VIEWER)
    data = client.get(f"/visits/{demo_visit.id}/report.xlsx").data
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Outcomes", "Follow-ups", "Totals"]
    follow_ups = book["Follow-ups"]
    header = [cell.value for cell in follow_ups[1]]
    assert header[:5] == ["Follow-up", "Owner", "Due", "Status", "Overdue"]
    for row in follow_ups.iter_rows(min_row=2, values_only=True):
        assert isinstance(row[2], datetime)
        assert isinstance(row[4], bool)
    assert follow_ups.max_row == 9
    totals = book["Totals"]
    assert [cell.value for cell in totals[2]][:2] == ["Export lead", "USD"]
    assert totals.cell(row=2, column=4).value == 2450000
    for sheet in book.worksheets:
        assert not sheet.sheet_view.rightToLeft
        assert sheet.column_dimensions["A"].width > 8
    assert book["Outcomes"].column_dimensions["D"].width == 60  # the summary, wrapped


def test_persian_reader_gets_a_right_to_left_workbook(demo_visit, client, auth, create_staff):
    auth.login(create_staff(Role.VIEWER, locale="fa"))
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/visits/{demo_visit.id}/report.xlsx").data)
    )
    assert len(book.worksheets) == 3
    assert all(sheet.sheet_view.rightToLeft for sheet in book.worksheets)
    page = client.get(f"/visits/{demo_visit.id}/report").text
    [lead_total] = re.findall(r'class="lead-total__value money" dir="ltr">(.*?)</bdi>', page)
    assert "۲" in lead_total and "۴۵۰" in lead_total  # 2,450,000 in Persian digits
    assert not re.search(r"[0-9]", lead_total)


def test_the_csv_is_streamed_in_the_readers_language(demo_visit, client, auth, create_staff):
    auth.login(create_staff(Role.VIEWER, locale="fa"))
    response = client.get(f"/visits/{demo_visit.id}/report.csv")
    assert response.is_streamed
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=visit-{demo_visit.id}-report-{demo_visit.start_date}.csv"
    )
    text = response.data.decode("utf-8-sig")
    header, *rows = text.splitlines()
    assert header.startswith("تاریخ,")  # "Date", in Persian, though the request is over
    assert len(rows) == 8 and all(re.match(r"\d{4}-\d\d-\d\d,", row) for row in rows)


# --- The programme summary and refusals ---------------------------------------------------


def test_report_counts_stops_held_still_to_come_and_cancelled(
    create_visit, create_stop, client, signed_in, frozen_clock
):
    visit = create_visit()
    day = date(2026, 12, 15)
    create_stop(visit, day, "09:00", "10:00", title="Welcome")
    create_stop(visit, day, "11:00", "12:00", title="Round-table")
    create_stop(visit, day, "13:00", "14:00", title="Lunch", status=StopStatus.CANCELLED)
    create_stop(visit, day, "16:00", "17:00", title="Castle")
    binned = create_stop(visit, day, "18:00", "19:00", title="Binned dinner")
    binned.deleted_at = utc_now()
    db.session.commit()
    # 12:30 in Tehran: two stops are over, the castle is still to come.
    frozen_clock(datetime(2026, 12, 15, 9, 0, tzinfo=UTC))
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{visit.id}/report").text
    assert '<span data-stops="held">2 stops held</span>' in page
    assert '<span data-stops="to-come">1 still to come</span>' in page
    assert '<span data-stops="cancelled">1 cancelled</span>' in page


def test_binned_or_missing_visit_has_no_report(create_visit, client, signed_in):
    visit = create_visit()
    visit.deleted_at = utc_now()
    db.session.commit()
    signed_in(Role.PLANNER)
    for suffix in ("", ".csv", ".xlsx"):
        assert client.get(f"/visits/{visit.id}/report{suffix}").status_code == 404
        assert client.get(f"/visits/{visit.id + 100}/report{suffix}").status_code == 404


def test_visit_page_links_to_its_report(create_visit, client, signed_in):
    visit = create_visit()
    signed_in(Role.VIEWER)
    page = client.get(f"/visits/{visit.id}").text
    assert f'href="/visits/{visit.id}/report"' in page
    report = client.get(f"/visits/{visit.id}/report").text
    assert f'href="/visits/{visit.id}/report.csv"' in report
    assert f'href="/visits/{visit.id}/report.xlsx"' in report


# --- Long reports ---------------------------------------------------------------------------


def test_an_export_of_many_outcomes_is_complete_and_well_formed(
    create_visit, create_staff, client, signed_in
):
    """More outcomes than the CSV reads at a time, each with a follow-up: every one is in
    both files, once, in the report's order, and both files open cleanly."""
    visit = create_visit()
    owner = create_staff(Role.PLANNER, name="Kaveh Nazari")
    count = queries.EXPORT_BATCH * 12 + 7
    outcomes = [
        Outcome(
            visit=visit,
            kind=OutcomeKind.EXPORT_LEAD if n % 3 else OutcomeKind.AGREEMENT,
            summary=f"Outcome {n:04}, with a comma" if n % 2 else f"=Outcome {n:04}",
            day=date(2026, 12, 15) + timedelta(days=n % 2),
            estimated_value=Decimal(n) + Decimal("0.25"),
            currency="USD",
        )
        for n in range(count)
    ]
    db.session.add_all(outcomes)
    db.session.add_all(
        FollowUp(title=f"Letter {n:04}", owner=owner, outcome=o, visit=visit, due_date=o.day)
        for n, o in enumerate(outcomes)
    )
    db.session.commit()
    signed_in(Role.VIEWER)

    rows = csv_rows(client.get(f"/visits/{visit.id}/report.csv").data)
    assert len(rows) == count
    summaries = [row["Summary"] for row in rows]
    assert sorted(s.lstrip("'=") for s in summaries) == sorted(
        f"Outcome {n:04}" + (", with a comma" if n % 2 else "") for n in range(count)
    )
    assert all(row["Follow-ups"] == "1" for row in rows)
    assert [row["Kind"] for row in rows] == sorted(
        (row["Kind"] for row in rows), key=lambda kind: kind != "Agreement"
    )

    response = client.get(f"/visits/{visit.id}/report.xlsx")
    assert response.headers["Content-Length"] == str(len(response.data))
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book["Outcomes"]
    assert sheet.max_row == count + 1
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    # The same outcomes in the same order, text that looks like a formula kept text.
    assert [row[3] for row in values] == [summary.removeprefix("'") for summary in summaries]
    assert {cell.data_type for (cell,) in sheet.iter_rows(min_row=2, min_col=4, max_col=4)} == {"s"}
    assert all(isinstance(row[6], float | int) for row in values)
    assert book["Follow-ups"].max_row == count + 1
    assert (
        book["Totals"].cell(row=2, column=3).value + book["Totals"].cell(row=3, column=3).value
        == count
    )
