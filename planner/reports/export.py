"""A visit's report as files: CSV for any spreadsheet, and an Excel workbook with typed cells.

Plain functions over a VisitReport (planner/reports/queries.py); the CSV comes a line at a
time from the outcomes as they are read, so that it can be streamed, and the workbook is
written row by row (openpyxl's write-only mode) to a file that is then sent. Column
names come out in the reader's language (lazy strings, resolved when the file is built).
Figures stay machine-readable: ASCII digits, ISO dates in the CSV, numbers and dates as
such in the workbook, and the currency always in a column of its own.
"""

import csv
import functools
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import IO

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


@dataclass(frozen=True)
class Table:
    """A table of a sheet: its headers and its rows of typed values."""

    headers: Sequence
    rows: list[list]


def column_widths(tables: Iterable[Table]) -> dict[int, float]:
    """Each column's width from its longest value, headers included, within 8 to WIDEST."""
    longest: dict[int, int] = {}
    for table in tables:
        for values in ([str(header) for header in table.headers], *table.rows):
            for column, value in enumerate(values, start=1):
                if value is None:
                    continue
                length = 10 if isinstance(value, date) else len(str(value))
                longest[column] = max(longest.get(column, 0), length)
    return {column: min(WIDEST, max(8, length + 2)) for column, length in longest.items()}


@functools.cache
def _openpyxl() -> SimpleNamespace:
    """openpyxl and the styles of our sheets, loaded at the first export: openpyxl is 6 MB
    that a web worker serving pages and feeds never needs."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    return SimpleNamespace(
        Workbook=openpyxl.Workbook,
        WriteOnlyCell=WriteOnlyCell,
        get_column_letter=get_column_letter,
        header_font=Font(bold=True),
        header_fill=PatternFill("solid", fgColor="E9EEF4"),
        wrapped=Alignment(wrap_text=True, vertical="top"),
    )


def typed_cell(sheet, value, wrapped: bool):
    """A value as the workbook keeps it: dates and money with their formats, text kept text
    even if it looks like a formula, long text wrapped. A plain value needs no cell."""
    if value is None or isinstance(value, bool | int | float):
        return value
    xl = _openpyxl()
    cell = xl.WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if wrapped:
            cell.alignment = xl.wrapped
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT
    return cell


def write_sheet(sheet, tables: list[Table], wrap: AbstractSet[int] = frozenset()) -> None:
    """The tables one under the other (an empty row between), headers in bold, on a sheet of
    a write-only workbook: each row goes to the file as it is appended, so the workbook
    holds no cell of what it has written. Widths are set first, from the values."""
    xl = _openpyxl()
    for column, width in column_widths(tables).items():
        sheet.column_dimensions[xl.get_column_letter(column)].width = width
    for index, table in enumerate(tables):
        if index:
            sheet.append([])
        header_cells = []
        for header in table.headers:
            cell = xl.WriteOnlyCell(sheet, value=str(header))
            cell.font, cell.fill = xl.header_font, xl.header_fill
            header_cells.append(cell)
        sheet.append(header_cells)
        for values in table.rows:
            sheet.append(
                [
                    typed_cell(sheet, value, column in wrap)
                    for column, value in enumerate(values, start=1)
                ]
            )


def report_xlsx(report: VisitReport, file: IO[bytes], right_to_left: bool = False) -> None:
    """Sheets "Outcomes", "Follow-ups" and "Totals" (named in the reader's language),
    written to `file`."""
    workbook = _openpyxl().Workbook(write_only=True)
    workbook.properties.title = report.visit.title
    sheets = [
        (
            str(_l("Outcomes")),
            [Table(OUTCOME_COLUMNS, [outcome_cells(o, report.today) for o in report.outcomes])],
            {4},
        ),
        (
            str(_l("Follow-ups")),
            [
                Table(
                    FOLLOW_UP_COLUMNS,
                    [
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
                    ],
                )
            ],
            {1, 6, 7},
        ),
        (
            str(_l("Totals")),
            [
                Table(
                    VALUE_COLUMNS,
                    [
                        [str(t.kind.label), t.currency, t.count, t.total]
                        for t in report.value_totals
                    ],
                ),
                Table(
                    KIND_COLUMNS,
                    [[str(kind.label), count] for kind, count in report.counts_by_kind.items()],
                ),
            ],
            set(),
        ),
    ]
    for title, tables, wrap in sheets:
        sheet = workbook.create_sheet(title)
        # A write-only sheet takes its view before its first row.
        sheet.freeze_panes = "A2"
        sheet.sheet_view.rightToLeft = right_to_left
        write_sheet(sheet, tables, wrap)
    workbook.save(file)
