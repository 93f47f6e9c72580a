"""Personal API tokens: issued on the profile page, shown once, stored as a hash, revocable."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from planner.accounts.models import ApiToken, User
from planner.clock import utc_now

# "pv_" tells a leaked secret apart in logs and secret scanners; 32 bytes of randomness follow.
TOKEN_PREFIX = "pv_"  # noqa: S105 - a label, not a secret
# last_used_at is a hint for its owner, not an audit log: write it at most this often.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`, and its secret: the only time the secret exists in the clear."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name.strip(), token_hash=hash_token(secret), prefix=secret[:10]
    )
    session.add(token)
    session.flush()
    return token, secret


def tokens_of(session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (they say when)."""
    return list(
        session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(session, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utc_now()
        session.flush()


def user_for_token(session, secret: str) -> User | None:
    """The active user an unrevoked token belongs to, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utc_now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
    return token.user
