"""Forms for an outcome, its documents and follow-ups."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from planner.accounts.models import User
from planner.forms import (
    PageForm,
    ReaderDateField,
    blank_to_none,
    form_rule,
    optional_id,
    optional_text,
    select_choices,
    strip_whitespace,
    upper,
)
from planner.itinerary.models import Stop
from planner.organizations.forms import organization_choices, organization_field
from planner.organizations.models import Organization
from planner.outcomes.documents import ACCEPT
from planner.outcomes.models import (
    FollowUpStatus,
    OutcomeKind,
    OutcomeStatus,
    currency_error,
    estimated_value_error,
    hs_code_error,
)
from planner.partnerships.models import Partnership

hs_code = form_rule(hs_code_error)


def none_choice(label) -> list[SelectChoice]:
    return [SelectChoice("", label)]


class OutcomeForm(PageForm):
    kind = SelectField(
        _l("Kind"), choices=select_choices(OutcomeKind.choices()), coerce=OutcomeKind
    )
    summary = TextAreaField(
        _l("Summary"),
        filters=[strip_whitespace, blank_to_none],
        validators=[DataRequired()],
        description=_l("What was signed, asked for or agreed, in a sentence or two."),
        render_kw={"rows": 3, "dir": "auto"},
    )
    day = ReaderDateField(_l("Date"), validators=[InputRequired()])
    status = SelectField(
        _l("Status"),
        choices=select_choices(OutcomeStatus.choices()),
        coerce=OutcomeStatus,
        default=OutcomeStatus.PROPOSED,
    )
    stop_id = SelectField(
        _l("Where it arose"),
        coerce=optional_id,
        choices=[],
        description=_l("The stop of the programme it came out of, if any."),
    )
    partnership_id = SelectField(_l("Partnership"), coerce=optional_id, choices=[])
    our_organization_id = organization_field(_l("Our side"))
    partner_organization_id = organization_field(_l("Partner side"))
    product = optional_text(
        _l("Product"), 200, description=_l("For trade: the goods sold or bought.")
    )
    hs_code = StringField(
        _l("HS code"),
        filters=[strip_whitespace, blank_to_none],
        validators=[hs_code],
        description=_l("Harmonized System code: 2 to 10 digits, e.g. 1902 or 1902.19."),
        render_kw={"dir": "ltr", "inputmode": "decimal", "autocomplete": "off", "maxlength": 12},
    )
    estimated_value = DecimalField(
        _l("Estimated value"),
        places=2,
        validators=[Optional()],
        render_kw={"dir": "ltr", "inputmode": "decimal"},
    )
    currency = StringField(
        _l("Currency"),
        filters=[strip_whitespace, upper, blank_to_none],
        description=_l("Three letters (ISO 4217), e.g. USD, EUR, KZT or IRR."),
        render_kw={"dir": "ltr", "maxlength": 3, "autocomplete": "off", "list": "currency-codes"},
    )

    FIELDS = (
        "kind",
        "summary",
        "day",
        "status",
        "stop_id",
        "partnership_id",
        "our_organization_id",
        "partner_organization_id",
        "product",
        "hs_code",
        "estimated_value",
        "currency",
    )

    def __init__(
        self,
        *args,
        stops: list[Stop],
        partnerships: list[Partnership],
        organizations: list[Organization],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.stop_id.choices = none_choice(_l("— Not at a particular stop —")) + select_choices(
            (str(stop.id), stop.title) for stop in stops
        )
        self.partnership_id.choices = none_choice(_l("— None —")) + select_choices(
            (str(p.id), p.title) for p in partnerships
        )
        choices = organization_choices(organizations)
        self.our_organization_id.choices = choices
        self.partner_organization_id.choices = choices

    def validate_estimated_value(self, field) -> None:
        # Not a number (the field has said so already) leaves None: nothing more to check.
        if error := estimated_value_error(field.data):
            raise ValidationError(error)

    def validate_currency(self, field) -> None:
        if error := currency_error(field.data, self.estimated_value.data):
            raise ValidationError(error)

    def values(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}


class DocumentForm(PageForm):
    document = FileField(
        _l("Document"),
        validators=[FileRequired(_l("Choose a file to upload."))],
        render_kw={"accept": ACCEPT},
    )


def owner_label(user: User):
    return user.name if user.active else _l("%(name)s (inactive)", name=user.name)


class FollowUpForm(PageForm):
    title = StringField(
        _l("What is to be done"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=200)],
        render_kw={"dir": "auto"},
    )
    owner_id = SelectField(_l("Owner"), coerce=optional_id, validators=[DataRequired()])
    due_date = ReaderDateField(_l("Due"), validators=[InputRequired()])
    notes = TextAreaField(
        _l("Notes"),
        filters=[strip_whitespace, blank_to_none],
        description=_l("Staff only: not shown in calendars."),
        render_kw={"rows": 3, "dir": "auto"},
    )

    FIELDS: tuple[str, ...] = ("title", "owner_id", "due_date", "notes")

    def __init__(self, *args, owners: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = none_choice(_l("— Choose who —")) + select_choices(
            (str(user.id), owner_label(user)) for user in owners
        )

    def values(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}


class FollowUpEditForm(FollowUpForm):
    status = SelectField(
        _l("Status"), choices=select_choices(FollowUpStatus.choices()), coerce=FollowUpStatus
    )

    FIELDS = (*FollowUpForm.FIELDS, "status")
