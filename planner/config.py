"""Settings: defaults here, then instance/config.py, then the environment, then a test mapping."""

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from werkzeug.security import generate_password_hash

# The project's folder: templates, static files, migrations and the instance folder are in it.
ROOT = Path(__file__).resolve().parent.parent

# Every setting that may come from the environment, with its default.
# A default of None means "derived from the instance folder" (see load_settings).
DEFAULTS = {
    "DATABASE_URL": None,
    "SECRET_KEY": None,
    # How passwords are hashed, in werkzeug's words: "scrypt" (its parameters are werkzeug's),
    # or e.g. "pbkdf2:sha256:1000000". A stored hash names its own method, so a change
    # applies to passwords set from then on and every older one still signs in.
    "PASSWORD_HASH_METHOD": "scrypt",
    "OFFICE_TIMEZONE": "Asia/Tehran",
    "OFFICE_NAME": "Lorestan Chamber of Commerce — Protocol Office",
    "BABEL_DEFAULT_LOCALE": "en",
    # Calendars and e-mail.
    "BASE_URL": "http://127.0.0.1:5000",  # for links in e-mails and feeds
    # Sign-in cookies only over https: yes/no; empty means yes when BASE_URL is https.
    "COOKIE_SECURE": "",
    "MAIL_SENDER": "protocol@pishvaz.invalid",  # the ORGANIZER and From: address
    "SMTP_HOST": "localhost",
    "SMTP_PORT": "25",
    "SMTP_USERNAME": "",
    "SMTP_PASSWORD": "",
    "SMTP_STARTTLS": "",  # any non-empty value turns STARTTLS on
    "SMTP_TIMEOUT": "20",
    # The mailbox iTIP replies come back to (`flask mail fetch-replies`); empty: none.
    "IMAP_HOST": "",
    "IMAP_PORT": "993",
    "IMAP_SSL": "yes",  # yes: IMAP over TLS (993); no: plain IMAP4 (143, or loopback)
    "IMAP_USER": "",
    "IMAP_PASSWORD": "",
    "IMAP_FOLDER": "INBOX",
    "FEED_REFRESH_MINUTES": "15",
    # The colour calendar apps give the feeds and downloads (RFC 7986 COLOR): a CSS3 name.
    "CALENDAR_COLOR": "teal",
    # Feed polls answered before Flask (planner/calendars/fastpath.py): yes/no.
    "FEED_FAST_PATH": "yes",
    # A staff feed holds the stops that start within these many days before and after today.
    "STAFF_FEED_DAYS_BACK": "30",
    "STAFF_FEED_DAYS_AHEAD": "365",
    # Each web worker keeps the calendars it built, up to this many MB (planner/calendars/
    # rendered.py): a feed larger than that is built for every poll that is not a 304.
    "FEED_CACHE_MB": "16",
    # The checker's drive-time estimate: great-circle km x factor / speed, plus a buffer.
    "TRAVEL_ROAD_FACTOR": "1.3",
    "TRAVEL_AVERAGE_SPEED_KMH": "50",
    "TRAVEL_BUFFER_MINUTES": "10",
    # A visit page's programme is rendered once per version of what it shows and kept in
    # each process, the least recently used forgotten past this many bytes (0: none kept).
    "KEPT_PROGRAMMES_MAX_BYTES": str(64 * 1024 * 1024),
    # Outcome documents (a signed memorandum): where they are kept and how large one may be.
    # "folder" keeps them in DOCUMENTS_FOLDER; "database" in the database, for an office
    # served by more than one web server.
    "DOCUMENTS_STORAGE": "folder",
    "DOCUMENTS_FOLDER": None,  # default: <instance>/documents
    "OUTCOME_DOCUMENT_MAX_BYTES": str(10 * 1024 * 1024),
    # `flask backup` and the nightly job: where backups go, and how many are kept there.
    "BACKUP_FOLDER": None,  # default: <instance>/backups
    "BACKUP_KEEP": "7",
    # Running for real: the task queue, logs, and the proxy in front.
    "REDIS_URL": "",  # the queue in Redis (redis://host:6379/0); empty: a SQLite file
    "QUEUE_FILE": None,  # default: <instance>/queue.sqlite3
    "QUEUE_NAME": "pishvaz",  # two offices may share one Redis under two names
    "QUEUE_IMMEDIATE": "",  # yes: tasks run at once in the process that queues them
    "MAIL_CLAIM_TIMEOUT_SECONDS": "600",  # a letter taken this long ago and not sent is retaken
    "MAIL_RETRIES": "5",  # the worker tries a failed letter again this many times, backing off
    "DIGEST_HOUR": "7",  # the morning digest of follow-ups, at this hour of the office's day
    "BACKUP_HOUR": "2",  # the nightly backup, at this hour of the office's night
    "LOG_FORMAT": "text",  # text or json: one line per event either way
    "TRUSTED_PROXIES": "0",  # how many proxies in front set X-Forwarded-For/-Proto/-Host
    # Sessions: one left unused this long is ended (unless "Keep me signed in" was ticked),
    # and every session, kept or not, ends this long after the password was typed.
    "SESSION_IDLE_MINUTES": "480",
    "SESSION_MAX_HOURS": str(7 * 24),
    # Sign-in guessing: failed attempts allowed per account (the e-mail typed) and per client
    # address, in Flask-Limiter's words. Counted in RATELIMIT_STORAGE_URI: memory:// is per
    # process; with several processes or servers use redis://host:6379/0.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_KEY_PREFIX": "",  # two offices counting in one Redis: a name for each
    "SIGN_IN_LIMIT_PER_ACCOUNT": "10 per 15 minutes",
    "SIGN_IN_LIMIT_PER_ADDRESS": "50 per 15 minutes",
}

# A request may carry this much besides the document (the form's other fields, multipart
# boundaries): anything larger is cut off (413) before it is read.
UPLOAD_OVERHEAD_BYTES = 64 * 1024

DOCUMENT_STORAGES = ("folder", "database")

LANGUAGES = {"en": "English", "fa": "فارسی"}

# Browsers keep a cookie with this prefix only if it is Secure, for this host alone (no
# Domain) and for the whole site (Path=/): no other host or http page can set or shadow it.
HOST_ONLY_PREFIX = "__Host-"
# Strict-Transport-Security once BASE_URL is https: browsers use https alone for a year.
HSTS = "max-age=31536000; includeSubDomains"
YES, NO = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


class ConfigError(RuntimeError):
    """A setting has a value the application cannot run with."""


def normalise_database_url(url: str) -> str:
    """Accept the URLs hosting providers hand out and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret_key(instance_path: str) -> str:
    """Read the secret key kept in the instance folder, generating it (mode 0600) on first use."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def cookie_settings(config) -> dict:
    """The session and remember-me cookies: never read by scripts (HttpOnly), not sent with
    another site's forms or scripts (SameSite=Lax), and Secure and named __Host-... when
    served over https. "Keep me signed in" lasts as long as a session may (SESSION_MAX_HOURS)."""
    secure = config.get("COOKIE_SECURE")
    if not isinstance(secure, bool):  # the environment's text, or None: work it out
        word = str(secure or "").strip().lower()
        if word and word not in YES | NO:
            raise ConfigError(f"COOKIE_SECURE={secure!r} is not yes, no or empty")
        secure = word in YES if word else config["BASE_URL"].startswith("https://")
    names = {
        "SESSION_COOKIE_NAME": config.get("SESSION_COOKIE_NAME") or "session",
        "REMEMBER_COOKIE_NAME": config.get("REMEMBER_COOKIE_NAME") or "remember_token",
    }
    settings = {
        key: HOST_ONLY_PREFIX + name if secure and not name.startswith(HOST_ONLY_PREFIX) else name
        for key, name in names.items()
    }
    settings["REMEMBER_COOKIE_DURATION"] = config.get("REMEMBER_COOKIE_DURATION") or timedelta(
        hours=int(str(config.get("SESSION_MAX_HOURS") or DEFAULTS["SESSION_MAX_HOURS"]))
    )
    for cookie in ("SESSION_COOKIE", "REMEMBER_COOKIE"):
        settings[f"{cookie}_SECURE"] = bool(secure)
        settings[f"{cookie}_HTTPONLY"] = True
        settings[f"{cookie}_SAMESITE"] = "Lax"
    return settings


def from_environment(environ=os.environ) -> dict:
    """The settings that the environment overrides."""
    return {key: environ[key] for key in DEFAULTS if environ.get(key)}


def finalise(config, instance_path: str) -> None:
    """Fill in derived settings and refuse values the app cannot run with."""
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = "sqlite:///" + str(Path(instance_path) / "pishvaz.sqlite3")
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["DATABASE_URL"])
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = instance_secret_key(instance_path)
    try:
        ZoneInfo(config["OFFICE_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(
            f"OFFICE_TIMEZONE={config['OFFICE_TIMEZONE']!r} is not an IANA time zone"
        ) from error
    config["BABEL_DEFAULT_TIMEZONE"] = config["OFFICE_TIMEZONE"]
    try:
        generate_password_hash("", method=config["PASSWORD_HASH_METHOD"])
    except (ValueError, TypeError) as error:
        raise ConfigError(
            f"PASSWORD_HASH_METHOD={config['PASSWORD_HASH_METHOD']!r} is not one werkzeug knows"
        ) from error
    whole_numbers = (
        "SMTP_PORT",
        "SMTP_TIMEOUT",
        "IMAP_PORT",
        "FEED_REFRESH_MINUTES",
        "STAFF_FEED_DAYS_BACK",
        "STAFF_FEED_DAYS_AHEAD",
        "FEED_CACHE_MB",
        "OUTCOME_DOCUMENT_MAX_BYTES",
        "KEPT_PROGRAMMES_MAX_BYTES",
    )
    for key in (
        *whole_numbers,
        "BACKUP_KEEP",
        "MAIL_CLAIM_TIMEOUT_SECONDS",
        "MAIL_RETRIES",
        "DIGEST_HOUR",
        "BACKUP_HOUR",
        "TRUSTED_PROXIES",
        "SESSION_IDLE_MINUTES",
        "SESSION_MAX_HOURS",
    ):
        try:
            config[key] = int(config[key])
        except (TypeError, ValueError) as error:
            raise ConfigError(f"{key}={config[key]!r} is not a whole number") from error
    if not re.fullmatch(r"[a-z]{3,20}", str(config["CALENDAR_COLOR"])):
        raise ConfigError(
            f"CALENDAR_COLOR={config['CALENDAR_COLOR']!r} is not a CSS3 colour name such as teal"
        )
    if config["DOCUMENTS_STORAGE"] not in DOCUMENT_STORAGES:
        raise ConfigError(
            f"DOCUMENTS_STORAGE={config['DOCUMENTS_STORAGE']!r} is not folder or database"
        )
    if not config.get("DOCUMENTS_FOLDER"):
        config["DOCUMENTS_FOLDER"] = os.path.join(instance_path, "documents")
    if not config.get("BACKUP_FOLDER"):
        config["BACKUP_FOLDER"] = os.path.join(instance_path, "backups")
    if not config.get("MAX_CONTENT_LENGTH"):
        config["MAX_CONTENT_LENGTH"] = config["OUTCOME_DOCUMENT_MAX_BYTES"] + UPLOAD_OVERHEAD_BYTES
    config["SMTP_STARTTLS"] = bool(config.get("SMTP_STARTTLS"))
    if not config.get("QUEUE_FILE"):
        config["QUEUE_FILE"] = os.path.join(instance_path, "queue.sqlite3")
    fast_path = config.get("FEED_FAST_PATH")
    if not isinstance(fast_path, bool):
        word = str(fast_path or "").strip().lower()
        if word not in YES | NO:
            raise ConfigError(f"FEED_FAST_PATH={fast_path!r} is neither yes nor no")
        config["FEED_FAST_PATH"] = word in YES
    imap_ssl = config.get("IMAP_SSL")
    if not isinstance(imap_ssl, bool):
        word = str(imap_ssl or "").strip().lower()
        if word not in YES | NO:
            raise ConfigError(f"IMAP_SSL={imap_ssl!r} is neither yes nor no")
        config["IMAP_SSL"] = word in YES
    immediate = config.get("QUEUE_IMMEDIATE")
    if not isinstance(immediate, bool):
        config["QUEUE_IMMEDIATE"] = str(immediate or "").strip().lower() in YES
    if str(config.get("LOG_FORMAT") or "text").lower() not in ("text", "json"):
        raise ConfigError(f"LOG_FORMAT={config['LOG_FORMAT']!r} is neither text nor json")
    config["LOG_FORMAT"] = str(config.get("LOG_FORMAT") or "text").lower()
    config["BASE_URL"] = str(config["BASE_URL"]).rstrip("/")
    for key in ("SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS"):
        if config[key] <= 0:
            raise ConfigError(f"{key}={config[key]!r} must be positive")
    config.update(cookie_settings(config))
    config["HSTS"] = HSTS if config["BASE_URL"].startswith("https://") else None
    for key in ("TRAVEL_ROAD_FACTOR", "TRAVEL_AVERAGE_SPEED_KMH", "TRAVEL_BUFFER_MINUTES"):
        try:
            value = float(config[key])
        except (TypeError, ValueError) as error:
            raise ConfigError(f"{key}={config[key]!r} is not a number") from error
        if value < 0 or (value == 0 and key != "TRAVEL_BUFFER_MINUTES"):
            raise ConfigError(f"{key}={config[key]!r} must be positive")
        config[key] = value
