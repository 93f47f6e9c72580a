"""Forms for a partnership, a move to another stage, and a return visit to the partner."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from planner.forms import (
    CountryField,
    PageForm,
    ReaderDateField,
    blank_to_none,
    optional_text,
    select_choices,
    strip_whitespace,
)
from planner.organizations.forms import organization_choices, organization_field
from planner.partnerships.models import PartnershipKind, Stage
from planner.partnerships.operations import EDITABLE, REASON_MISSING, side_error
from planner.visits.forms import zone_field
from planner.visits.operations import dates_error


def reason_field(label, description) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[strip_whitespace],
        validators=[DataRequired(message=REASON_MISSING)],
        description=description,
        render_kw={"rows": 3, "dir": "auto"},
    )


class PartnershipForm(PageForm):
    """What a partnership is. Its stage is not here: it moves with StageForm, on the record."""

    title = StringField(
        _l("Title"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=200)],
        description=_l("E.g. “Khorramabad – Turkistan sister cities”."),
        render_kw={"dir": "auto"},
    )
    kind = SelectField(
        _l("Kind"), choices=select_choices(PartnershipKind.choices()), coerce=PartnershipKind
    )
    our_city = optional_text(_l("Our city"), 120, render_kw={"dir": "auto"})
    our_country = CountryField(_l("Our country"), required=True)
    our_organization_id = organization_field(_l("Our organization"))
    partner_city = optional_text(_l("Partner city"), 120, render_kw={"dir": "auto"})
    partner_country = CountryField(_l("Partner country"), required=True)
    partner_organization_id = organization_field(_l("Partner organization"))
    description = TextAreaField(
        _l("Description"),
        filters=[strip_whitespace, blank_to_none],
        description=_l("What the partnership is for; a return visit's purpose starts from it."),
        render_kw={"rows": 4, "dir": "auto"},
    )

    FIELDS: tuple[str, ...] = EDITABLE
    # The fields shown side by side: ours, then the partner's.
    SIDES = (
        ("our_city", "our_country", "our_organization_id"),
        ("partner_city", "partner_country", "partner_organization_id"),
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = organization_choices(list(organizations))
        self.our_organization_id.choices = choices
        self.partner_organization_id.choices = choices

    def _side_named(self, city, organization) -> bool:
        if error := side_error(city.data, organization.data):
            organization.errors.append(error)
            return False
        return True

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        ours = self._side_named(self.our_city, self.our_organization_id)
        theirs = self._side_named(self.partner_city, self.partner_organization_id)
        return valid and ours and theirs

    def values(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}


class NewPartnershipForm(PartnershipForm):
    """Creating a partnership also records where it starts, and why."""

    stage = SelectField(
        _l("Stage to start at"),
        choices=select_choices(Stage.choices()),
        coerce=Stage,
        default=Stage.IDEA,
    )
    reason = reason_field(
        _l("Why"),
        _l("Recorded as the first entry of the stage history, e.g. who raised the idea."),
    )

    FIELDS = (*PartnershipForm.FIELDS, "stage")


class StageForm(PageForm):
    """Moving a partnership to another stage: the reason is required and kept for good."""

    to_stage = SelectField(_l("New stage"), choices=select_choices(Stage.choices()), coerce=Stage)
    reason = reason_field(
        _l("Why"), _l("Kept in the stage history with your name and the time; it cannot be edited.")
    )


class ReturnVisitForm(PageForm):
    """The confirmation of a return visit to the partner: what the planner may correct first."""

    title = StringField(
        _l("Title"), filters=[strip_whitespace], validators=[DataRequired(), Length(max=200)]
    )
    start_date = ReaderDateField(_l("First day"), validators=[DataRequired()])
    end_date = ReaderDateField(_l("Last day"), validators=[DataRequired()])
    timezone = zone_field(
        _l("Host time zone"),
        required=True,
        description=_l("The partner's zone, guessed from its country and city: check it."),
    )
    purpose = TextAreaField(
        _l("Purpose"),
        filters=[strip_whitespace, blank_to_none],
        render_kw={"rows": 5, "dir": "auto"},
    )

    def validate_end_date(self, field) -> None:
        if error := dates_error(self.start_date.data, field.data):
            raise ValidationError(error)
