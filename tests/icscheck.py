"""Calendar files read back as a client reads them: tests/ics_check.mjs under Node.js (ical.js).

check_ics(data) checks one file; check_all([...]) checks several in one Node run, which
is what keeps the suite fast (Node starts in about 0.1 s). Both fail the test on any
problem and return what ical.js saw: {"method", "calname", "items": [event, ...]}.
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKER = ROOT / "tests" / "ics_check.mjs"
# The workplace's own checker, a second opinion. It lives beside the repository on the
# machines this project is developed on, not in a user's clone: tests that use it skip
# that extra step (only that step) when it is absent.
SHARED_CHECKER = ROOT.parent / "shared" / "tools" / "ics-check"


def _node() -> str:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "ical.js" / "package.json").exists():
        message = (
            "the calendar tests read every .ics file back with ical.js under Node.js: "
            "install Node.js and npm, then run `make test` (it runs `npm ci`)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs Node.js: a missing one is a broken build
        pytest.skip(message)
    return node


def _write(directory: str, files: list[bytes]) -> list[str]:
    paths = []
    for number, data in enumerate(files, 1):
        path = Path(directory) / f"calendar-{number}.ics"
        path.write_bytes(data)
        paths.append(str(path))
    return paths


def read_all(files: list[bytes]) -> list[dict]:
    """What the checker says of each calendar, problems included, from one Node run."""
    node = _node()
    with tempfile.TemporaryDirectory(prefix="ics-check-") as directory:
        paths = _write(directory, files)
        # cwd at the root, so that `import "ical.js"` finds the repository's node_modules.
        result = subprocess.run(
            [node, str(CHECKER), "--json", *paths],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if result.returncode not in (0, 1):
            pytest.fail(f"ics_check.mjs failed to run:\n{result.stderr}")
        report = json.loads(result.stdout)
    return [report[path] for path in paths]


def check_all(files: list[bytes]) -> list[dict]:
    """Check several calendars in one Node run; each must have no problem."""
    reports = read_all(files)
    problems = {
        f"file {number}": report["problems"]
        for number, report in enumerate(reports, 1)
        if report["problems"]
    }
    assert not problems, problems
    return reports


def check_ics(data: bytes) -> dict:
    return check_all([data])[0]


def shared_checker_available() -> bool:
    return SHARED_CHECKER.exists() and shutil.which("node") is not None


def check_with_shared_tool(files: list[bytes]) -> None:
    """The workplace's ics-check must accept every file too; it reports problems one a line."""
    with tempfile.TemporaryDirectory(prefix="ics-check-shared-") as directory:
        paths = _write(directory, files)
        result = subprocess.run(
            [str(SHARED_CHECKER), *paths],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stdout + result.stderr


def unfold(data: bytes) -> str:
    """The calendar's content lines with RFC 5545 folding undone."""
    return data.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
