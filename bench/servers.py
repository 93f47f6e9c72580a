"""Gunicorn serving the app on a free loopback port, for as long as a `with` block lasts.

Used by the load test (bench/load_test.py) and the two-servers test
(tests/test_two_servers.py): the production server, not Flask's development one.
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    settings: Mapping[str, str], *, workers: int = 1, start_within: float = 30.0
) -> Iterator[str]:
    """Serve `app:app` with these settings (DATABASE_URL, SECRET_KEY...) in the environment;
    yields its base URL once it answers, and stops it (and its workers) on leaving."""
    with gunicorns([settings], workers=workers, start_within=start_within) as [base_url]:
        yield base_url


@contextlib.contextmanager
def gunicorns(
    each: list[Mapping[str, str]], *, workers: int = 1, start_within: float = 30.0
) -> Iterator[list[str]]:
    """One gunicorn per settings, started together; yields their base URLs once all answer."""
    servers = []
    try:
        for settings in each:
            port = free_port()
            process = subprocess.Popen(  # noqa: S603 (this interpreter's gunicorn, no shell)
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    f"--bind=127.0.0.1:{port}",
                    f"--workers={workers}",
                    "--log-level=warning",
                    "app:app",
                ],
                cwd=ROOT,
                env={**os.environ, **settings},
                start_new_session=True,  # its own process group: stopped with its workers
            )
            servers.append((process, f"http://127.0.0.1:{port}"))
        deadline = time.monotonic() + start_within
        for process, base_url in servers:
            wait_until_answering(process, base_url, deadline)
        yield [base_url for _process, base_url in servers]
    finally:
        for process, _base_url in servers:
            stop(process)


def wait_until_answering(process: subprocess.Popen, base_url: str, deadline: float) -> None:
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start (exit code {process.returncode})")
        try:
            requests.get(f"{base_url}/sign-in", timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn at {base_url} did not answer in time") from None
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    found = CSRF_FIELD.search(html)
    if found is None:
        raise RuntimeError("the page has no CSRF token")
    return found.group(1)


def sign_in(browser: requests.Session, base_url: str, email: str, password: str) -> None:
    """Sign in through the page, as a person would: the session cookie lands in `browser`."""
    form = browser.get(f"{base_url}/sign-in", timeout=10)
    answer = browser.post(
        f"{base_url}/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_token(form.text)},
        allow_redirects=False,
        timeout=10,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"signing in as {email} answered {answer.status_code}")
