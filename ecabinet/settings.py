"""e-Cabinet settings: one module, read from environment variables.

With no variables set, everything runs on one machine (SQLite, in-memory channel
layer, local media, in-process tasks, console e-mail) so that `make run` works on a
fresh checkout. Production chooses its parts with DATABASE_URL, REDIS_URL and friends,
and must name its own SECRET_KEY: unsafe values exist only in development.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# "development" (the embedded default) or "production". Production refuses the
# development secret and DEBUG, so a forgotten variable fails loudly at start-up.
ENVIRONMENT = env_str("ECABINET_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("ECABINET_ENV must be 'development' or 'production'")
IS_PRODUCTION = ENVIRONMENT == "production"

DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", "" if IS_PRODUCTION else DEV_SECRET_KEY)
if IS_PRODUCTION and (not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY):
    raise ImproperlyConfigured("SECRET_KEY must be set in production")

DEBUG = env_bool("DEBUG", default=not IS_PRODUCTION)
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG cannot be on in production")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "ninja",  # serves Swagger UI for /api/docs from its own static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ecabinet.audit",
    "ecabinet.realtime",
    "people",
    "notifications",
    "documents",
    "signing",
    "circulation",
    "meetings",
    "briefcase",
    "annotations",
    "voting",
    "ballots",
    "archive",
    "minutes",
    "registers",
    "exchange",
    "resolutions",
    "worklist",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ecabinet.middleware.UploadSizeLimitMiddleware",
    # A request from a revoked briefcase device (X-Ecabinet-Device) is refused (410).
    "briefcase.middleware.RevokedDeviceMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "people.middleware.IdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "people.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ecabinet.middleware.ServiceErrorMiddleware",
    # Last, so it sees the login page's answer and turns a lockout into its own page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ecabinet.urls"
WSGI_APPLICATION = "ecabinet.wsgi.application"
ASGI_APPLICATION = "ecabinet.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_count",
                "notifications.context_processors.person_stream_seq",
                "worklist.context_processors.work",
                "ecabinet.pwa.installable",
            ],
            # Project-wide tags that belong to no app: {% load deadlines %}, {% load dates %}.
            "libraries": {
                "deadlines": "ecabinet.templatetags.deadlines",
                "dates": "ecabinet.templatetags.dates",
            },
        },
    },
]

# --- Data -------------------------------------------------------------------

VAR_DIR = Path(env_str("ECABINET_VAR_DIR", str(BASE_DIR / "var")))
if not env_str("DATABASE_URL"):
    # The embedded default keeps its database here; SQLite will not create the folder.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        # Production should keep connections (e.g. 60): without it every WebSocket command
        # opens a new one. 0 by default, because threads that end leave kept ones behind.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers must not block on the single writer while a meeting is live.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME", "") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Pub/sub: a broadcast crosses Redis once per server process, not once per
            # tablet. It is at-most-once like every layer; the event log covers losses.
            "BACKEND": env_str(
                "CHANNEL_LAYER_BACKEND", "channels_redis.pubsub.RedisPubSubChannelLayer"
            ),
            "CONFIG": {
                # redis-py's pool refuses (rather than waits) past its limit, and a room
                # filling up adds hundreds of sockets to the group within seconds.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": env_int("REDIS_MAX_CONNECTIONS", 2000),
                    }
                ],
                "prefix": env_str("REDIS_PREFIX", "ecabinet"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# A tablet further behind than this many events reloads the page instead of replaying.
REALTIME_REPLAY_LIMIT = env_int("REALTIME_REPLAY_LIMIT", 500)
# Messages one person may send over all their sockets together in a window of this many
# seconds (each socket has its own burst limit too; docs/events.md). JSON from a page may
# nest arrays and objects this deep at most.
REALTIME_USER_MESSAGES = env_int("REALTIME_USER_MESSAGES", 60)
REALTIME_USER_WINDOW_SECONDS = env_int("REALTIME_USER_WINDOW_SECONDS", 10)
REALTIME_MAX_JSON_DEPTH = env_int("REALTIME_MAX_JSON_DEPTH", 16)
# How often each server process reads the committed head of every stream its sockets
# follow, so a tablet that missed a send catches up without a later event (docs/events.md).
REALTIME_HEAD_CHECK_SECONDS = float(env_str("REALTIME_HEAD_CHECK_SECONDS", "0.5"))

# Counters every server process must share (a person's socket rate): Redis when there is
# one, else this process's memory (the embedded default runs one process).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("CACHE_REDIS_URL", REDIS_URL),
            "KEY_PREFIX": env_str("REDIS_PREFIX", "ecabinet"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# In-process tasks by default; TASKS_BACKEND=database hands them to `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[env_str("TASKS_BACKEND", "immediate")]
    }
}

# Written ballots (ballots/). Reminders go this many hours before the deadline to
# recipients who have not answered; the health page warns when the sweep (the
# `ballots_tick` task or command) has not run for BALLOT_WORKER_STALE_SECONDS while a
# ballot is open, and counts a task as overdue once it is this late.
BALLOT_REMINDERS_HOURS = [int(h) for h in env_list("BALLOT_REMINDERS_HOURS", ["24", "2"])]
BALLOT_TICK_SECONDS = env_int("BALLOT_TICK_SECONDS", 60)
BALLOT_WORKER_STALE_SECONDS = env_int("BALLOT_WORKER_STALE_SECONDS", 180)

# Archive timestamps (archive/renewal.py): a record gets a new document timestamp when its
# last one's TSA certificate ends within this many days; the sweep runs this often.
ARCHIVE_RENEW_MARGIN_DAYS = env_int("ARCHIVE_RENEW_MARGIN_DAYS", 365)
ARCHIVE_RENEW_SECONDS = env_int("ARCHIVE_RENEW_SECONDS", 86400)

# The briefcase (briefcase/, docs/briefcase.md): papers kept offline on a device stay
# readable this many hours without contact with the server; devices a person may register.
BRIEFCASE_OFFLINE_HOURS = env_int("BRIEFCASE_OFFLINE_HOURS", 72)
BRIEFCASE_MAX_DEVICES = env_int("BRIEFCASE_MAX_DEVICES", 5)

# The installable app (ecabinet/pwa.py): signed-in pages register the service worker that
# keeps the app shell for use offline. Off (e.g. on shared computers, where nothing should
# be kept), pages register none and remove one registered earlier.
PWA_SERVICE_WORKER = env_bool("PWA_SERVICE_WORKER", True)

MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: papers go through access-checked views
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Largest paper accepted, in megabytes. Requests larger than this (plus a margin for
# the form fields) are refused before their body is read.
PAPER_MAX_UPLOAD_MB = env_int("PAPER_MAX_UPLOAD_MB", 50)
# Pages a paper may have, and the sides of each page in millimetres (its visible box,
# /UserUnit applied): from A10's short side to A0's long side. Refused at upload.
PAPER_MAX_PAGES = env_int("PAPER_MAX_PAGES", 2000)
PAPER_PAGE_MIN_MM = env_int("PAPER_PAGE_MIN_MM", 26)
PAPER_PAGE_MAX_MM = env_int("PAPER_PAGE_MAX_MM", 1189)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Word papers (documents/convert.py): limits read from the zip directory before anything
# is extracted (a zip bomb is refused), and LibreOffice's time to convert one file.
DOCX_MAX_ENTRIES = env_int("DOCX_MAX_ENTRIES", 1000)
DOCX_MAX_UNCOMPRESSED_MB = env_int("DOCX_MAX_UNCOMPRESSED_MB", 100)
DOCX_MAX_RATIO = env_int("DOCX_MAX_RATIO", 100)
DOCX_CONVERT_TIMEOUT_S = env_int("DOCX_CONVERT_TIMEOUT_S", 60)
SOFFICE_BINARY = env_str("SOFFICE_BINARY", "soffice")

# --- Digital signatures (signing app; see docs/signing.md) -------------------
# Keys live on PKCS#11 tokens, one per signer and one "seal" token per body, unlocked
# by the owner's PIN at signing time. Development builds its own PKI and SoftHSM2
# tokens under SIGNING_PKI_DIR (`manage.py pki init`); production names a real token
# module, real CA roots and a real timestamp authority instead.
SIGNING_PKI_DIR = Path(env_str("SIGNING_PKI_DIR", str(VAR_DIR / "pki")))
SIGNING_PKCS11_MODULE = env_str("SIGNING_PKCS11_MODULE", "/usr/lib/softhsm/libsofthsm2.so")
# SoftHSM2 reads its token directory from this file; `pki init` writes it in development.
SIGNING_SOFTHSM2_CONF = env_str(
    "SOFTHSM2_CONF", "" if IS_PRODUCTION else str(SIGNING_PKI_DIR / "softhsm2.conf")
)
# Port of `manage.py pki serve` (the development TSA, OCSP responder and CRL).
SIGNING_DEV_PKI_PORT = env_int("SIGNING_DEV_PKI_PORT", 9110)
# RFC 3161 timestamp authority; empty means PAdES B-B only (no timestamp, no LTV).
SIGNING_TSA_URL = env_str(
    "SIGNING_TSA_URL", "" if IS_PRODUCTION else f"http://127.0.0.1:{SIGNING_DEV_PKI_PORT}/tsa"
)
# PEM files of the CA roots signatures must chain to. Empty: the development root in
# development; in production signing and verifying refuse until roots are named.
SIGNING_TRUST_ROOTS = env_list("SIGNING_TRUST_ROOTS", [])
# Certificate policy OIDs that mark an organisation's seal certificate (empty: defaults).
SIGNING_SEAL_POLICY_OIDS = env_list("SIGNING_SEAL_POLICY_OIDS", [])
# Wrong PINs in a row before the key is locked until the secretariat unlocks it.
SIGNING_PIN_ATTEMPTS = env_int("SIGNING_PIN_ATTEMPTS", 5)
# edXML envelopes (archive/edxml.py; docs/archive.md, edXML exchange) are signed with the
# body's seal by the server, which holds this PIN of the seal token; empty: they go unsigned.
ARCHIVE_EDXML_SEAL_PIN = env_str("ARCHIVE_EDXML_SEAL_PIN", "" if IS_PRODUCTION else "654321")
# Contact details an envelope gives for an agency, by agency code (QCVN 102:2016 From/To).
ARCHIVE_EDXML_CONTACTS = {
    "000.00.00.G01": {
        "address": "Số 1 Hoàng Hoa Thám, Ba Đình, Hà Nội",
        "email": "vanthu@demo.ecabinet.gov.vn",
        "website": "https://chinhphu.vn",
    },
}

# --- Document exchange between agencies (exchange/; docs/exchange.md) ------------------
# This system's request key (Ed25519), made on first use; peers add its public half.
EXCHANGE_KEY_FILE = Path(env_str("EXCHANGE_KEY_FILE", str(VAR_DIR / "exchange" / "key.pem")))
# The adapter that carries messages: another e-Cabinet over HTTPS, or one of your own.
EXCHANGE_TRANSPORT = env_str("EXCHANGE_TRANSPORT", "exchange.transport.PeerHttps")
# Mutual TLS: a client certificate and key (one PEM file); the roots peers' servers chain to.
EXCHANGE_CLIENT_CERT = env_str("EXCHANGE_CLIENT_CERT")
EXCHANGE_CA_BUNDLE = env_str("EXCHANGE_CA_BUNDLE")
EXCHANGE_CONNECT_TIMEOUT = env_int("EXCHANGE_CONNECT_TIMEOUT", 5)
EXCHANGE_READ_TIMEOUT = env_int("EXCHANGE_READ_TIMEOUT", 60)
# A message larger than this is refused unread (a package holds its PDF in base64).
EXCHANGE_MAX_BYTES = env_int("EXCHANGE_MAX_BYTES", 72 * 1024 * 1024)
# A signed request older or newer than this many seconds is refused (replay).
EXCHANGE_CLOCK_SKEW = env_int("EXCHANGE_CLOCK_SKEW", 300)
# After a failed try, wait this long, doubled each time up to the maximum.
EXCHANGE_RETRY_SECONDS = env_int("EXCHANGE_RETRY_SECONDS", 30)
EXCHANGE_RETRY_MAX_SECONDS = env_int("EXCHANGE_RETRY_MAX_SECONDS", 3600)
# A worker that takes a message and dies leaves it due again after this many seconds.
EXCHANGE_LEASE_SECONDS = env_int("EXCHANGE_LEASE_SECONDS", 120)

# --- Secret votes (voting/secrecy.py; docs/voting.md) ----------------------------
# Seals secret ballots' choices and keys their tokens; empty means derived from SECRET_KEY.
# Keep it with the server's secrets, never with the database or its backups.
VOTING_SECRET_KEY = env_str("VOTING_SECRET_KEY")

# --- Audit checkpoints (ecabinet/audit/checkpoints.py; docs/audit.md) ---------
# Every AUDIT_CHECKPOINT_SECONDS the chain's head is signed with the checkpoint key on its
# own token (never a person's key or a body's seal: the server holds this PIN) and
# timestamped by SIGNING_TSA_URL. `pki init` makes the key in development.
AUDIT_CHECKPOINT_SECONDS = env_int("AUDIT_CHECKPOINT_SECONDS", 3600)
AUDIT_CHECKPOINT_TOKEN = env_str("AUDIT_CHECKPOINT_TOKEN", "ecab-audit-checkpoint")
AUDIT_CHECKPOINT_PIN = env_str("AUDIT_CHECKPOINT_PIN", "" if IS_PRODUCTION else "246810")
# Extra certificate policy OIDs that mark a production CA's checkpoint certificate.
AUDIT_CHECKPOINT_POLICY_OIDS = env_list("AUDIT_CHECKPOINT_POLICY_OIDS", [])
# How far the TSA's time may lie from the time a checkpoint states.
AUDIT_CHECKPOINT_TSA_SKEW_SECONDS = env_int("AUDIT_CHECKPOINT_TSA_SKEW_SECONDS", 300)

# --- People -----------------------------------------------------------------

AUTH_USER_MODEL = "people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
# A session unused this long is logged out (people/middleware.py); the meeting room
# keeps its session alive while it is open (docs/security.md).
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)

# Login throttling (django-axes, docs/security.md): this many wrong passwords in a row
# for one user name from one address lock that pair until the secretariat unlocks it
# (or, when LOGIN_LOCKOUT_COOLOFF_MINUTES is above 0, until that much time has passed).
AUTHENTICATION_BACKENDS = [
    "people.auth.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_COOLOFF_TIME = (
    timedelta(minutes=env_int("LOGIN_LOCKOUT_COOLOFF_MINUTES", 0))
    if env_int("LOGIN_LOCKOUT_COOLOFF_MINUTES", 0) > 0
    else None
)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Behind N proxies, the client's address is the one the outermost added to
# X-Forwarded-For (people/auth.py); 0 means REMOTE_ADDR is the client.
LOGIN_PROXY_COUNT = env_int("LOGIN_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "people.auth.client_ip"

# Second factor (django-otp, docs/security.md): everyone who signs, votes or administers
# enrols an authenticator app (TOTP) at first sign-in and gives its code at each one.
# On in production; off by default in development, so `make run`'s demo people and the
# tests sign in with a password alone (tests that check the factor turn it on).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", IS_PRODUCTION)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "e-Cabinet")
# Passkeys (WebAuthn, people/passkeys.py): the relying party's id (a domain, never an IP
# address) and the origins ceremonies may come from; empty means the request's own host
# name and origin. Set both in production, e.g. ecabinet.gov.vn and https://ecabinet.gov.vn.
WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID", "")
WEBAUTHN_ORIGINS = env_list("WEBAUTHN_ORIGINS", [])
WEBAUTHN_RP_NAME = env_str("WEBAUTHN_RP_NAME", "e-Cabinet")

# --- Language and time ------------------------------------------------------

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
# One date and time style per language (ecabinet/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["ecabinet.formats"]
USE_I18N = True
USE_TZ = True

# --- E-mail -----------------------------------------------------------------

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "e-Cabinet <no-reply@ecabinet.local>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- Security ---------------------------------------------------------------

SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
# No page is framed by another site, nor by ours: the one frame we use (a paper read in
# place) opts in to "same origin" on its own view.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if IS_PRODUCTION:
    # The proxy terminates TLS; HTTP is only ever a redirect (docs/security.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content Security Policy (django-csp): our own scripts, styles, fonts and sockets only;
# no inline script anywhere. pdf.js runs its worker from our static files and draws
# pages with data: and blob: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
# Powerful browser features the product never uses are off (django-permissions-policy);
# sound plays for alerts, and the paper viewer may go full screen.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "autoplay": ["self"],
    "fullscreen": ["self"],
}
# The interactive API page (/api/docs) is for developers: off in production unless asked.
API_DOCS = env_bool("API_DOCS", not IS_PRODUCTION)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Chatty libraries: one line per PDF opened or task run is noise, not news.
        "pikepdf": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # Wrong passwords and lockouts are warnings; the start-up banner is not news.
        "axes": {"level": "WARNING"},
    },
}
