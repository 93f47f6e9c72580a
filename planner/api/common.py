"""What every API resource shares: base schemas, fields, pagination, lookups and role checks."""

from datetime import UTC
from typing import Any, NoReturn, TypeVar, cast, overload

import flask_smorest
import marshmallow as ma
import sqlalchemy as sa
from flask_smorest import Blueprint, Page

from planner import rules
from planner.extensions import db
from planner.rules import MAX_ID
from planner.visits.models import Visit, live_visit

Row = TypeVar("Row")


def abort(http_status_code: int, **kwargs: Any) -> NoReturn:
    """flask_smorest.abort: an error with a JSON body. It always raises, but flask-smorest has
    no types, so this says so to the type checker: nothing runs after an abort."""
    flask_smorest.abort(http_status_code, **kwargs)
    raise AssertionError("flask_smorest.abort returned")


# One page of a list: ?page=1&page_size=25; X-Pagination says how many there are in all.
PAGE_SIZE = 25
MAX_PAGE_SIZE = 200


class ApiBlueprint(Blueprint):
    DEFAULT_PAGINATION_PARAMETERS = {
        "page": 1,
        "page_size": PAGE_SIZE,
        "max_page_size": MAX_PAGE_SIZE,
    }
    # operationId -> blueprint: client generators and the docs page's links need them unique.
    operation_ids: dict[str, str] = {}

    def _document_pagination_metadata(self, spec, resp_doc):
        """X-Pagination is a JSON text in a header: say so (OpenAPI 3.1 / JSON Schema's
        contentMediaType), rather than claim that a header holds an object."""
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = {
            "description": "This page and the whole list, as JSON: "
            '{"total": 31, "total_pages": 2, "first_page": 1, "last_page": 2, '
            '"page": 1, "next_page": 2}',
            "schema": {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": {"$ref": "#/components/schemas/PaginationMetadata"},
            },
        }

    def route(self, rule, *, parameters=None, tags=None, **options):
        """Also name the operation after its view function: operationId "list_visits"."""
        register = super().route(rule, parameters=parameters, tags=tags, **options)

        def decorator(func):
            owner = ApiBlueprint.operation_ids.setdefault(func.__name__, self.name)
            if owner != self.name:
                raise ValueError(
                    f"API view {func.__name__} exists in {owner} and {self.name}: rename one,"
                    " since its name is the operationId"
                )
            return register(self.doc(operationId=func.__name__)(func))

        return decorator


class SelectPage(Page):
    """Pages through a SQLAlchemy select with LIMIT/OFFSET, counting once for the header."""

    @property
    def items(self):
        params = self.page_params
        if params.first_item >= params.item_count:
            return []  # past the end (page=10**12 must not reach the database as an OFFSET)
        query = self.collection.offset(params.first_item).limit(params.page_size)
        return list(db.session.scalars(query))

    @property
    def item_count(self):
        counted = sa.select(sa.func.count()).select_from(self.collection.order_by(None).subquery())
        return db.session.scalar(counted)


class Schema(ma.Schema):
    """Refuse fields we do not know: a typo must not be silently dropped."""

    class Meta:
        unknown = ma.RAISE


class QuerySchema(ma.Schema):
    """Query-string filters, which share the query string with page and page_size."""

    class Meta:
        unknown = ma.EXCLUDE


# Visits happen in these years; anything else is a typo, and far dates overflow in zone maths.
FIRST_YEAR, LAST_YEAR = 1900, 2199
OUT_OF_RANGE = f"Give a time between the years {FIRST_YEAR} and {LAST_YEAR}."


class Instant(ma.fields.AwareDateTime):
    """An ISO 8601 date and time with its offset, stored in UTC.

    A time without an offset is refused, not guessed: 2026-12-15T09:00 could be Tehran's
    morning or UTC's. Read values are given in UTC unless the schema says otherwise.
    """

    default_error_messages = {
        "invalid": "Not an ISO 8601 date and time, e.g. 2026-12-15T09:00:00+03:30.",
        "invalid_awareness": "Give the time with its UTC offset, e.g. 2026-12-15T09:00:00+03:30 "
        "or 2026-12-15T05:30:00Z: a time without one is ambiguous.",
    }

    def __init__(self, **kwargs):
        super().__init__(format="iso", default_timezone=None, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            instant = super()._deserialize(value, attr, data, **kwargs).astimezone(UTC)
        except OverflowError as error:  # 0001-01-01T00:00+05:00 is before datetime.min in UTC
            raise ma.ValidationError(OUT_OF_RANGE) from error
        if not FIRST_YEAR <= instant.year <= LAST_YEAR:
            raise ma.ValidationError(OUT_OF_RANGE)
        return instant


class Day(ma.fields.Date):
    """A calendar date, YYYY-MM-DD, within the years a visit can be in."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ma.ValidationError(f"Give a day between the years {FIRST_YEAR} and {LAST_YEAR}.")
        return day


class Id(ma.fields.Integer):
    """The id of a row: a whole number from 1 to 2**31 - 1, as every database here stores."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", ma.validate.Range(min=1, max=MAX_ID))
        super().__init__(**kwargs)  # not strict: query strings carry ids as text


def rule(check):
    """A marshmallow validator from a shared rule in planner/rules.py: the same function the
    forms call, returning the message to show, or None when the value is fine."""

    def validate(value) -> None:
        if (message := check(value)) is not None:
            raise ma.ValidationError(str(message))

    validate.__name__ = check.__name__
    return validate


def refuse(field: str, message) -> NoReturn:
    """Abort with 422 naming the field and the reason, like a schema's own error."""
    abort(422, errors={"json": {field: [str(message)]}})


def get_or_404(model: type[Row], item_id: int, *, what: str) -> Row:
    item = db.session.get(model, item_id) if 0 < item_id <= MAX_ID else None
    if item is None or getattr(item, "deleted_at", None) is not None:
        abort(404, message=f"There is no {what} {item_id}.")
    return item


# A larger id names nothing: the route says so (404) and the document shows the limit.
VISIT_PATH = "/visits/<int:visit_id>"


def visit_or_404(visit_id: int) -> Visit:
    """The visit, unless it is missing or in the bin: what every path under it first asks."""
    visit = live_visit(db.session, visit_id)
    if visit is None:
        abort(404, message=f"There is no visit {visit_id}.")
    return visit


@overload
def existing(model: type[Row], item_id: int, *, field: str, what: str) -> Row: ...
@overload
def existing(model: type[Row], item_id: None, *, field: str, what: str) -> None: ...
@overload
def existing(model: type[Row], item_id: int | None, *, field: str, what: str) -> Row | None: ...
def existing(model: type[Row], item_id: int | None, *, field: str, what: str) -> Row | None:
    """The row a body's `<field>` points to; 422 when it does not exist or is in the bin."""
    if item_id is None:
        return None
    item = db.session.get(model, item_id) if 0 < item_id <= MAX_ID else None
    if item is None or getattr(item, "deleted_at", None) is not None:
        refuse(field, f"There is no {what} {item_id}.")
    return item


def column_length(column) -> int:
    """The length of a String column: the database's limit is the one the API states."""
    return column.property.columns[0].type.length


class Text(ma.fields.String):
    """A string trimmed of surrounding spaces. Required text may not be blank; optional
    text that is blank is stored as null, as the forms do. Text is one line (a title, a
    name) unless `multiline` (a description, notes), and refuses control characters by the
    rule the pages' forms follow."""

    def __init__(self, max_length: int | None = None, *, multiline: bool = False, **kwargs):
        self.max_length = max_length
        validators = list(kwargs.pop("validate", None) or [])
        line_rule = rules.multi_line_error if multiline else rules.single_line_error
        validators.insert(0, rule(line_rule))
        if max_length:
            validators.append(ma.validate.Length(max=max_length))
        if kwargs.get("required"):
            validators.append(ma.validate.Length(min=1, error="This may not be blank."))
        else:
            kwargs.setdefault("allow_none", True)
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if (message := rules.nul_error(text)) is not None:
            raise ma.ValidationError(str(message))
        if not text and not self.required:
            return None
        return text

    def _validate(self, value) -> None:
        if value is not None:  # blank optional text, stored as null: nothing to check
            super()._validate(value)


class CountryCode(Text):
    """An ISO 3166-1 alpha-2 code on the forms' list, checked by their rule.

    Upper case, or all lower case (" kz" -> "KZ"); a mixed "Ch" is refused rather than read
    as Switzerland: it is what is left of "China" typed into a two-letter box.
    """

    def __init__(self, **kwargs):
        metadata = {
            "description": "ISO 3166-1 alpha-2, e.g. IR or KZ (kz is read as KZ).",
            "example": "KZ",
            **kwargs.pop("metadata", {}),
            "enum": sorted(rules.COUNTRY_CODES),
        }
        super().__init__(validate=[rule(rules.country_error)], metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs)
        return code.upper() if code and code.islower() else code


class LanguageCodes(ma.fields.List):
    """ISO 639-1 codes on the forms' list, in any case: read lower-case, each once, in the
    order given (a person's are then sorted by the model), checked by the forms' rule."""

    def __init__(self, **kwargs):
        codes = ma.fields.String(metadata={"enum": sorted(rules.LANGUAGE_CODES)})
        super().__init__(codes, validate=rule(rules.languages_error), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        # marshmallow types a List's items as possibly None; the inner String refuses null.
        codes = cast(list[str], super()._deserialize(value, attr, data, **kwargs))
        return list(dict.fromkeys(code.strip().lower() for code in codes if code.strip()))


def choice_field(enum_class, **kwargs) -> ma.fields.Enum:
    """An enum by its value ("chamber_of_commerce"), as the pages' select boxes send it."""
    return ma.fields.Enum(enum_class, by_value=True, **kwargs)
