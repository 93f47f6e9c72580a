"""Feed tokens: unguessable, revocable, and never stored.

A token is `p<participant id>.<generation>.<mac>` (or `u<user id>...` for a staff
feed), where mac is an HMAC-SHA256 of the rest under the app's secret key,
truncated to 160 bits and compared in constant time. Raising the owner's
feed_generation revokes every token issued before; nothing secret is stored.
"""

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

MAC_BYTES = 20  # 160 bits
# One spelling per token: int() alone would also take "p+7", "p0_7" or Arabic-Indic digits.
TOKEN_PATTERN = re.compile(r"([pu])([1-9][0-9]{0,17})\.([1-9][0-9]{0,17})\.([A-Za-z0-9_-]{27})")


@dataclass(frozen=True)
class FeedKey:
    kind: str  # "p" for a participant, "u" for a staff user
    owner_id: int
    generation: int


def _mac(secret: str, kind: str, owner_id: int, generation: int) -> str:
    message = f"pishvaz-feed:{kind}:{owner_id}:{generation}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()[:MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def make_token(secret: str, kind: str, owner_id: int, generation: int) -> str:
    if kind not in ("p", "u"):
        raise ValueError(f"unknown feed kind {kind!r}")
    return f"{kind}{owner_id}.{generation}.{_mac(secret, kind, owner_id, generation)}"


def read_token(secret: str, token: str) -> FeedKey | None:
    """The key a genuine token names, or None; whether it is still current is the caller's check."""
    match = TOKEN_PATTERN.fullmatch(token)
    if match is None:
        return None
    kind, owner_id, generation, mac = match[1], int(match[2]), int(match[3]), match[4]
    expected = _mac(secret, kind, owner_id, generation)
    if not hmac.compare_digest(expected.encode(), mac.encode()):
        return None
    return FeedKey(kind, owner_id, generation)


# A participant's reply link (their answers to their invitations) is a token of its own
# kind, under the same generation as their feed: revoking or reissuing the feed ends both.
REPLY_PATTERN = re.compile(r"r([1-9][0-9]{0,17})\.([1-9][0-9]{0,17})\.([A-Za-z0-9_-]{27})")


def make_reply_token(secret: str, participant_id: int, generation: int) -> str:
    return f"r{participant_id}.{generation}.{_mac(secret, 'r', participant_id, generation)}"


def read_reply_token(secret: str, token: str) -> FeedKey | None:
    """The participant and generation a genuine reply token names, or None."""
    match = REPLY_PATTERN.fullmatch(token)
    if match is None:
        return None
    owner_id, generation, mac = int(match[1]), int(match[2]), match[3]
    if not hmac.compare_digest(_mac(secret, "r", owner_id, generation).encode(), mac.encode()):
        return None
    return FeedKey("r", owner_id, generation)
