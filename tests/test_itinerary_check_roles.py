"""The checker knows sides and roles by the visit model's names, not by strings of its own."""

import ast
from datetime import UTC, date, datetime
from pathlib import Path

from planner.itinerary import checks
from planner.itinerary.checks import Plan, StopInfo, check_plan
from planner.itinerary.findings import Code
from planner.itinerary.snapshot import attendee_info
from planner.people.models import Person
from planner.visits.models import Participant, ParticipantRole, Side

CHECKS = Path(checks.__file__)


def test_the_checker_spells_no_side_or_role_of_its_own():
    # A renamed side or role cannot leave the checker comparing with a word nobody stores.
    words = {member.value for member in (*Side, *ParticipantRole)}
    tree = ast.parse(CHECKS.read_text(encoding="utf-8"))
    compared = [
        operand
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        for operand in (node.left, *node.comparators)
    ]
    spelled = {
        node.value
        for operand in compared
        for node in ast.walk(operand)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    assert spelled & words == set()


def test_the_sides_and_roles_the_checker_reads_are_the_visit_models():
    assert (checks.DELEGATION, checks.HOST) == (Side.DELEGATION.value, Side.HOST.value)
    assert checks.INTERPRETER == ParticipantRole.INTERPRETER.value
    assert checks.HEAD_OF_DELEGATION == ParticipantRole.HEAD_OF_DELEGATION.value


def participant(n: int, side: Side, role: ParticipantRole, languages, interpreting=()):
    person = Person(id=n, full_name_native=f"P{n}", full_name_latin=f"P{n}", languages=languages)
    return Participant(
        person=person, side=side, role=role, interpreting_languages=list(interpreting)
    )


def meeting(*participants) -> Plan:
    stop = StopInfo(
        1,
        1,
        "Meeting",
        "official_meeting",
        datetime(2026, 12, 15, 6, 0, tzinfo=UTC),
        datetime(2026, 12, 15, 7, 0, tzinfo=UTC),
        attendees=tuple(attendee_info(p) for p in participants),
    )
    return Plan(1, "Asia/Tehran", date(2026, 12, 15), date(2026, 12, 15), (stop,), {})


def test_an_interpreter_and_a_head_of_delegation_as_the_visit_records_them():
    head = participant(1, Side.DELEGATION, ParticipantRole.HEAD_OF_DELEGATION, ["kk"])
    host = participant(2, Side.HOST, ParticipantRole.HOST, ["fa"])
    interpreter = participant(3, Side.SUPPORT, ParticipantRole.INTERPRETER, ["en"], ["kk", "fa"])
    assert check_plan(meeting(head, host, interpreter)) == []
    codes = {finding.code for finding in check_plan(meeting(head, host))}
    assert codes == {Code.NO_SHARED_LANGUAGE}
    delegate = participant(4, Side.DELEGATION, ParticipantRole.DELEGATE, ["fa"])
    codes = {finding.code for finding in check_plan(meeting(delegate, host))}
    assert codes == {Code.HEAD_OF_DELEGATION_ABSENT}
