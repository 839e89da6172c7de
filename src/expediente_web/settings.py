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

from pathlib import Path

import dj_database_url

from expediente_web.config import ConfigError, data_dir, env_bool, env_int, env_str

DATA_DIR = data_dir()
BASE_DIR = Path(__file__).resolve().parent


def _secret_key() -> str:
    key = env_str("EXPEDIENTE_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret.key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    # Not initialised yet (e.g. `expediente --help`): a throwaway key; `expediente init` writes one.
    return "not-initialised-" + "x" * 40


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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The stylesheet and htmx of the site, served by the app itself (no separate web server).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so that every response below it (redirects and lockouts included) is not stored.
    "expediente_web.site.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

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

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
