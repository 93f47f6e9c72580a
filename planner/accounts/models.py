"""Staff users and their roles."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from planner.extensions import Model
from planner.types import Choice, UTCDateTime, enum_type, utcnow


class Role(Choice):
    VIEWER = "viewer", _l("Viewer")
    PLANNER = "planner", _l("Planner")
    ADMIN = "admin", _l("Administrator")

    @property
    def rank(self) -> int:
        return list(Role).index(self)


MIN_PASSWORD_LENGTH = 10


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"), default=Role.VIEWER)
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # See Participant.feed_generation: the staff feed across all visits.
    feed_generation: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")
    feed_enabled: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lowercase"),)

    @validates("email")
    def _normalise_email(self, _key, value: str) -> str:
        return value.strip().lower()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users at sign-in and on load.
        return self.active

    def set_password(self, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def can(self, role: Role) -> bool:
        """True when this user's role includes the rights of `role`."""
        return self.active and self.role.rank >= role.rank

    @property
    def can_edit(self) -> bool:
        return self.can(Role.PLANNER)

    @property
    def is_admin(self) -> bool:
        return self.can(Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


def user_by_email(session, email: str) -> User | None:
    return session.scalar(sa.select(User).where(User.email == email.strip().lower()))


class ApiToken(Model):
    """A personal API token: only its SHA-256 is kept; the secret is shown once, at creation.

    The secret carries 256 random bits, so a fast hash is enough: there is nothing to
    guess, and looking a token up by its hash needs no per-row salt.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters of the secret, so that its owner can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… of user {self.user_id}>"
