"""Django settings, read from the environment.

| variable | meaning | default |
| --- | --- | --- |
| EXPEDIENTE_DATA_DIR | data directory (SQLite file, evidence store, key file) | ./data |
| DATABASE_URL | database; `postgres://…` for teams | sqlite file in the data directory |
| EXPEDIENTE_KEY_FILE | key ring of protected fields (outside the database) | DATA_DIR/keys.json |
| EXPEDIENTE_SECRET_KEY | Django's secret key (or …_FILE) | DATA_DIR/secret.key (init) |
| EXPEDIENTE_DEBUG | debug pages | false |
| EXPEDIENTE_ALLOWED_HOSTS | comma-separated host names | localhost,127.0.0.1 |
| EXPEDIENTE_MAX_UPLOAD_MB | largest accepted upload or import file | 512 |
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from expediente_web.config import ConfigError, data_dir, env_bool, env_int, env_str

DATA_DIR = data_dir()
BASE_DIR = Path(__file__).resolve().parent


def _secret_key() -> str:
    from expediente_web.protection.secret_key import settings_value

    # Not initialised yet (e.g. `expediente --help`, `init`): a marked, random placeholder that
    # `serve` and the WSGI application refuse and `check --deploy` reports (expediente.E001).
    return settings_value(DATA_DIR)


SECRET_KEY = _secret_key()
DEBUG = env_bool("EXPEDIENTE_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in env_str("EXPEDIENTE_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "expediente_web.protection",
    "expediente_web.audit",
    "expediente_web.cases",
    "expediente_web.records",
    "expediente_web.evidence",
    "expediente_web.intake",
    "expediente_web.analyses",
    "expediente_web.site",
    "expediente_web.workspace",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "expediente_web.jobs",
    "expediente_web.search",
    "expediente_web.accounts",
    "ninja",  # the API's documentation page, from its own static files (no CDN)
    "expediente_web.api",
    "expediente_web.discussion",
    "expediente_web.dashboard",
    "expediente_web.submissions",
    "expediente_web.assessment",
    "expediente_web.panel",
    "expediente_web.reports",
    "expediente_web.examination",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Early, so that every response below it (redirects and lockouts included) is not stored.
    "expediente_web.site.middleware.NoStoreMiddleware",
    # The stylesheet and htmx of the site, served by the app itself (no separate web server).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "expediente_web.accounts.middleware.SessionLimitsMiddleware",
    "expediente_web.accounts.middleware.TwoFactorMiddleware",
    "expediente_web.accounts.middleware.MembershipExpiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "expediente_web.urls"
WSGI_APPLICATION = "expediente_web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'expediente.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; IMMEDIATE takes the write lock at BEGIN so
    # that two writers queue instead of failing half-way (and the audit chain stays linear).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=30000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # SQLCipher: opened with the key ring's database key when the ring has one (a ring without
    # one, or a plain file of old, opens plain); see protection/sqlcipher_backend.
    DATABASES["default"]["ENGINE"] = "expediente_web.protection.sqlcipher_backend"
    # The test database stays in memory, one per test process, as with Django's own backend
    # (pytest-django knows only that backend's name when it gives each xdist worker its own).
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts (expediente_web.accounts): Argon2id first, so every new or changed password is hashed
# with it; the others only verify hashes written before and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes before Django's own backend: a locked-out username at an address is refused before
# its password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout: 5 wrong passwords for one username from one address lock that pair out for 15 minutes
# (counted again from each further try while locked out); a sign-in resets the count.
AXES_FAILURE_LIMIT = env_int("EXPEDIENTE_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("EXPEDIENTE_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "expediente_web.accounts.lockout.lockout_response"
AXES_VERBOSE = False
# Two factors (django-otp): the issuer shown in authenticator apps; codes of the TOTP devices
# are throttled after each wrong one (django-otp's default back-off).
OTP_TOTP_ISSUER = "Expediente"
# Security keys (django-otp-webauthn) are a second factor only: never a way to skip the password
# (and with it the lockout). The relying party is the host the page was served from, which
# ALLOWED_HOSTS has already checked (accounts.security_keys).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "expediente_web.accounts.security_keys.SecurityKeyHelper"
OTP_WEBAUTHN_RP_ID_CALLABLE = "expediente_web.accounts.security_keys.relying_party_id"
OTP_WEBAUTHN_RP_NAME = "Expediente"
# The allowed origin is the request's own scheme and host (the helper says so per request; a
# fixed list could not name the port the demo picks).
SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E030"]
# Sessions end after 30 idle minutes (the cookie's age is renewed by every request) and at the
# latest 12 hours after signing in (accounts.middleware.SessionLimitsMiddleware).
SESSION_COOKIE_AGE = env_int("EXPEDIENTE_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
EXPEDIENTE_SESSION_MAX_AGE = env_int("EXPEDIENTE_SESSION_MAX_HOURS", 12) * 3600
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "es"
LANGUAGES = [("es", "Español"), ("en", "English")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
WHITENOISE_USE_FINDERS = True  # straight from the apps' static folders, no collectstatic
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

EXPEDIENTE_KEY_FILE = Path(env_str("EXPEDIENTE_KEY_FILE", str(DATA_DIR / "keys.json")))
EXPEDIENTE_EVIDENCE_DIR = DATA_DIR / "evidence"
EXPEDIENTE_MAX_UPLOAD_BYTES = env_int("EXPEDIENTE_MAX_UPLOAD_MB", 512) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REFERRER_POLICY = "same-origin"
# Behind HTTPS (a production server, or a TLS-terminating proxy that sets X-Forwarded-Proto):
# cookies only over TLS, plain HTTP redirected, and browsers told to remember it (HSTS, a year).
# `make demo` and the tests serve plain HTTP on loopback and leave it off.
HTTPS = env_bool("EXPEDIENTE_HTTPS", False)
if HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("EXPEDIENTE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Allows (does not make) the domain's entry in the browsers' HTTPS-only list: that takes
    # the operator submitting it at hstspreload.org.
    SECURE_HSTS_PRELOAD = True
# Content-Security-Policy (django-csp): scripts, styles, images, media and requests from the site
# itself only. No page has an inline script or a style attribute, and none may: a hostile string
# that escaped escaping could still not run. Evidence files are served under a stricter policy
# of their own (workspace.views.evidence), which this one does not replace.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-src": [SELF],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Background jobs: django-tasks with its database backend, run by `expediente worker` (which
# `expediente serve` starts beside itself). `immediate` runs a job inside the request that asks
# for it (for a test or a one-off command); see docs/concepts/jobs.md.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks = env_str("EXPEDIENTE_TASKS", "database")
if _tasks not in _TASK_BACKENDS:
    raise ConfigError(f"EXPEDIENTE_TASKS={_tasks!r} is not one of: {', '.join(_TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_tasks]}}

# The public submission form (expediente_web.submissions; docs/concepts/public-submissions.md):
# submissions per hour from one address (across every case) and to one case, the seconds a form
# must stay open before it is sent, how long it stays valid, and the files it takes.
EXPEDIENTE_SUBMISSIONS_PER_ADDRESS_PER_HOUR = env_int(
    "EXPEDIENTE_SUBMISSIONS_PER_ADDRESS_PER_HOUR", 5
)
EXPEDIENTE_SUBMISSIONS_PER_CASE_PER_HOUR = env_int(
    "EXPEDIENTE_SUBMISSIONS_PER_CASE_PER_HOUR", 100
)
EXPEDIENTE_SUBMISSION_MIN_SECONDS = env_int("EXPEDIENTE_SUBMISSION_MIN_SECONDS", 5)
EXPEDIENTE_SUBMISSION_MAX_FORM_AGE = env_int("EXPEDIENTE_SUBMISSION_MAX_FORM_AGE", 24 * 3600)
EXPEDIENTE_SUBMISSION_MAX_ATTACHMENTS = env_int("EXPEDIENTE_SUBMISSION_MAX_ATTACHMENTS", 5)
EXPEDIENTE_SUBMISSION_MAX_ATTACHMENT_BYTES = (
    env_int("EXPEDIENTE_SUBMISSION_MAX_ATTACHMENT_MB", 20) * 1024 * 1024
)
