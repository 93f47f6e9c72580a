"""A visit's report as files: CSV for any spreadsheet, and an Excel workbook with typed cells.

Plain functions over a VisitReport (planner/reports/queries.py), returning bytes; the CSV
comes a line at a time from the outcomes as they are read, so that it can be streamed. Column
names come out in the reader's language (lazy strings, resolved when the file is built).
Figures stay machine-readable: ASCII digits, ISO dates in the CSV, numbers and dates as
such in the workbook, and the currency always in a column of its own.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from planner.outcomes.models import FollowUp, FollowUpStatus, Outcome, OutcomeKind, OutcomeStatus
from planner.reports.queries import VisitReport
from planner.types import Choice

# A cell that starts with one of these is run as a formula by spreadsheet programs:
# text from the database is quoted so that it stays text (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

OUTCOME_COLUMNS = (
    _l("Date"),
    _l("Kind"),
    _l("Status"),
    _l("Summary"),
    _l("Product"),
    _l("HS code"),
    _l("Estimated value"),
    _l("Currency"),
    _l("Our organization"),
    _l("Partner organization"),
    _l("Stop"),
    _l("Partnership"),
    _l("Follow-ups"),
    _l("Open follow-ups"),
    _l("Overdue follow-ups"),
)
CSV_FOLLOW_UP_COLUMN = _l("Follow-ups: title (owner, due date, status)")
FOLLOW_UP_COLUMNS = (
    _l("Follow-up"),
    _l("Owner"),
    _l("Due"),
    _l("Status"),
    _l("Overdue"),
    _l("Outcome"),
    _l("Notes"),
)
VALUE_COLUMNS = (_l("Kind"), _l("Currency"), _l("Outcomes with a value"), _l("Total value"))
KIND_COLUMNS = (_l("Kind"), _l("Outcomes"))
OVERDUE = _l("overdue")

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
WIDEST = 60


def as_text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def organization_name(organization) -> str:
    return organization.name if organization is not None else ""


def follow_up_counts(outcome: Outcome, today: date) -> tuple[int, int, int]:
    """(all, open, overdue) follow-ups of an outcome."""
    follow_ups = outcome.follow_ups
    still_open = sum(1 for f in follow_ups if f.status == FollowUpStatus.OPEN)
    late = sum(1 for f in follow_ups if f.is_overdue(today))
    return len(follow_ups), still_open, late


def label_of(choice: Choice) -> str:
    return str(choice.label)


def outcome_cells(outcome: Outcome, today: date, label: Callable[[Choice], str] = label_of) -> list:
    """One outcome as typed values, in OUTCOME_COLUMNS order."""
    return [
        outcome.day,
        label(outcome.kind),
        label(outcome.status),
        outcome.summary,
        outcome.product,
        outcome.hs_code,
        outcome.estimated_value,
        outcome.currency,
        organization_name(outcome.our_organization),
        organization_name(outcome.partner_organization),
        outcome.stop.title if outcome.stop else None,
        outcome.partnership.title if outcome.partnership else None,
        *follow_up_counts(outcome, today),
    ]


@dataclass(frozen=True)
class CsvWords:
    """The CSV's words in the reader's language, looked up while the request can say which:
    a streamed file is written after the request has gone."""

    header: list[str]
    labels: dict[Choice, str]
    overdue: str

    def label(self, choice: Choice) -> str:
        return self.labels[choice]


def csv_words() -> CsvWords:
    choices = (*OutcomeKind, *OutcomeStatus, *FollowUpStatus)
    return CsvWords(
        header=[str(name) for name in (*OUTCOME_COLUMNS, CSV_FOLLOW_UP_COLUMN)],
        labels={choice: str(choice.label) for choice in choices},
        overdue=str(OVERDUE),
    )


def follow_up_summary(follow_up: FollowUp, today: date, words: CsvWords) -> str:
    state = words.label(follow_up.status)
    if follow_up.is_overdue(today):
        state += f", {words.overdue}"
    return f"{follow_up.title} ({follow_up.owner.name}, {follow_up.due_date.isoformat()}, {state})"


def csv_cells(outcome: Outcome, today: date, words: CsvWords) -> list[str]:
    """One outcome as the CSV's text: ISO dates, plain digits, its follow-ups summarised."""
    row = []
    for value in outcome_cells(outcome, today, words.label):
        if isinstance(value, date):
            row.append(value.isoformat())
        elif isinstance(value, int | float) or value is None:
            row.append("" if value is None else str(value))
        elif isinstance(value, Decimal):  # plain digits and a dot, no grouping
            row.append(f"{value:.2f}")
        else:
            row.append(as_text(value))
    row.append(as_text("; ".join(follow_up_summary(f, today, words) for f in outcome.follow_ups)))
    return row


def report_csv_lines(outcomes: Iterable[Outcome], today: date, words: CsvWords) -> Iterator[bytes]:
    """The CSV a line at a time: the header (after a BOM, for Excel), then one row per
    outcome with its follow-ups summarised; UTF-8. Joined, it is the whole file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def written() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    writer.writerow(words.header)
    yield "\ufeff".encode() + written()
    for outcome in outcomes:
        writer.writerow(csv_cells(outcome, today, words))
        yield written()


def write_table(sheet, headers, rows, start_row: int = 1) -> int:
    """Headers in bold, then the rows; text is kept text even if it looks like a formula."""
    from openpyxl.styles import Font, PatternFill  # openpyxl is 6 MB: only an export loads it

    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=start_row, column=column, value=str(header))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E9EEF4")
    row_number = start_row
    for row_number, values in enumerate(rows, start=start_row + 1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
    return row_number


def fit_columns(sheet, wrap: AbstractSet[int] = frozenset()) -> None:
    """Column widths from the longest value in each column; long text wraps."""
    from openpyxl.styles import Alignment  # openpyxl is 6 MB: only an export loads it
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            length = 10 if isinstance(cell.value, date) else len(str(cell.value))
            widths[cell.column] = max(widths.get(cell.column, 0), length)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(WIDEST, max(8, width + 2))
        if column in wrap:
            for (cell,) in sheet.iter_rows(min_col=column, max_col=column, min_row=2):
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def report_xlsx(report: VisitReport, right_to_left: bool = False) -> bytes:
    """Sheets "Outcomes", "Follow-ups" and "Totals" (named in the reader's language)."""
    from openpyxl import Workbook  # openpyxl is 6 MB: only an export loads it

    workbook = Workbook()
    workbook.properties.title = report.visit.title
    outcomes = workbook.worksheets[0]  # the one sheet a new workbook has
    outcomes.title = str(_l("Outcomes"))
    write_table(
        outcomes, OUTCOME_COLUMNS, (outcome_cells(o, report.today) for o in report.outcomes)
    )
    fit_columns(outcomes, wrap={4})

    follow_ups = workbook.create_sheet(str(_l("Follow-ups")))
    write_table(
        follow_ups,
        FOLLOW_UP_COLUMNS,
        (
            [
                f.title,
                f.owner.name,
                f.due_date,
                str(f.status.label),
                f.is_overdue(report.today),
                f.outcome.summary if f.outcome else None,
                f.notes,
            ]
            for f in report.follow_ups
        ),
    )
    fit_columns(follow_ups, wrap={1, 6, 7})

    totals = workbook.create_sheet(str(_l("Totals")))
    last = write_table(
        totals,
        VALUE_COLUMNS,
        ([str(t.kind.label), t.currency, t.count, t.total] for t in report.value_totals),
    )
    write_table(
        totals,
        KIND_COLUMNS,
        ([str(kind.label), count] for kind, count in report.counts_by_kind.items()),
        start_row=last + 2,
    )
    fit_columns(totals)

    for sheet in workbook.worksheets:
        sheet.freeze_panes = "A2"
        sheet.sheet_view.rightToLeft = right_to_left
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
