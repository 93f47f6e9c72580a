"""The one rule for a new password, used by every form, the API, the CLI and the models.

A password is refused when it is short or one of the 20,000 most common (the list Django
ships, vendored beside this module: see common-passwords.NOTICE.txt). A sign-in compares
against a stand-in hash when no account has the e-mail, so that a known and an unknown
address cost the same time.
"""

import gzip
from functools import cache
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 10
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")


class PasswordRefused(ValueError):
    """A new password that the rule does not accept; str() is the reason, for the person."""


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines)


def password_problem(password: str) -> str | None:
    """Why `password` may not be chosen, or None when it may."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("A password needs at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
    if password.strip().lower() in common_passwords():
        return _("This password is one of the most common ones: choose another.")
    return None


def check_new_password(password: str) -> None:
    """Raise PasswordRefused unless `password` may be chosen."""
    problem = password_problem(password)
    if problem is not None:
        raise PasswordRefused(problem)


# What a guesser holding a copy of the database must pay per guess: about 0.17 s here.
DEFAULT_HASH_METHOD = "scrypt"


def hash_method() -> str:
    """PASSWORD_HASH_METHOD, in werkzeug's words (scrypt unless the app says otherwise; the
    test suite says a cheap one, as it makes a few hundred accounts)."""
    if has_app_context():
        return current_app.config["PASSWORD_HASH_METHOD"]
    return DEFAULT_HASH_METHOD


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=hash_method())


@cache
def _stand_in_hash(method: str) -> str:
    # Made with the same method and cost as a real one, so it takes as long to check.
    return generate_password_hash("no account has this password", method=method)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether `password` is the one hashed; with no hash (no such account), False after
    the same work as a real check."""
    if password_hash is None:
        check_password_hash(_stand_in_hash(hash_method()), password)
        return False
    return check_password_hash(password_hash, password)
