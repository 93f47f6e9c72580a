"""Flask extensions, created here and bound to the app in create_app.

Flask-Migrate is not among them: planner/cli.py binds it when a migration runs."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that migrations can drop and alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# Models subclass Model. db.Model is built at run time from Base plus Flask-SQLAlchemy's
# mixins, and a class made at run time cannot be a base class to a type checker: to mypy
# a model is what that class is made of, a typed declarative Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Counts failed sign-ins (planner/accounts/views.py) in RATELIMIT_STORAGE_URI. A moving
# window: ten failures in any fifteen minutes, not ten per quarter of the clock.
limiter = Limiter(key_func=get_remote_address, strategy="moving-window", headers_enabled=False)
