"""iTIP letters read back by libical (Debian's libical3, through ctypes), as Evolution and
many servers read them: icalrestriction_check, RFC 5546's table of which properties a
REQUEST or a CANCEL must, may and must not carry.

itip_problems(data) is what libical says of one calendar (each X-LIC-ERROR it adds);
check_itip([...]) fails the test on any problem that is not in WAIVED.
"""

import ctypes
import ctypes.util
import os
import re

import pytest

# Rules the suite does not hold letters to, each with why. None so far: every letter must
# pass every restriction libical checks.
WAIVED: dict[str, str] = {}


def _library() -> ctypes.CDLL:
    name = ctypes.util.find_library("ical")
    if name is None:
        message = (
            "the iTIP tests read every letter's calendar with libical: "
            "install Debian's libical3 (`.ci/run` does)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: a missing one is a broken build
        pytest.skip(message)
    library = ctypes.CDLL(name)
    library.icalparser_parse_string.argtypes = [ctypes.c_char_p]
    library.icalparser_parse_string.restype = ctypes.c_void_p
    library.icalrestriction_check.argtypes = [ctypes.c_void_p]
    library.icalrestriction_check.restype = ctypes.c_int
    library.icalcomponent_as_ical_string.argtypes = [ctypes.c_void_p]
    library.icalcomponent_as_ical_string.restype = ctypes.c_char_p  # libical's own buffer
    library.icalcomponent_free.argtypes = [ctypes.c_void_p]
    library.icalcomponent_free.restype = None
    return library


def itip_problems(data: bytes) -> list[str]:
    """Every X-LIC-ERROR libical adds to the calendar when it parses it and checks the iTIP
    restrictions of its METHOD: parse errors and failed restrictions alike."""
    library = _library()
    component = library.icalparser_parse_string(data)
    if not component:
        return ["libical could not parse the calendar"]
    try:
        valid = library.icalrestriction_check(component)
        text = library.icalcomponent_as_ical_string(component).decode("utf-8")
    finally:
        library.icalcomponent_free(component)
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    problems = [
        line.split(":", 1)[1].replace("\\,", ",")
        for line in unfolded.splitlines()
        if line.startswith("X-LIC-ERROR")
    ]
    if not valid and not problems:
        problems.append("icalrestriction_check failed without saying why")
    return problems


def _waived(problem: str) -> bool:
    return any(rule in problem for rule in WAIVED)


def check_itip(files: list[bytes]) -> None:
    """Each calendar must pass libical's iTIP restrictions, but for the rules in WAIVED."""
    problems = {
        f"calendar {number}": found
        for number, data in enumerate(files, 1)
        if (found := [p for p in itip_problems(data) if not _waived(p)])
    }
    assert not problems, problems
