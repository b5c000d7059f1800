"""Base settings, read from the environment (12-factor).

Every deployment-specific value comes from an environment variable; see README "Réglages".
When ``DATABASE_URL`` is unset we fall back to a SQLite file, and when ``REDIS_URL`` is unset
Celery runs tasks eagerly, so that ``make run`` works on a machine with no service at all.
"""

from pathlib import Path

import django_stubs_ext
import environ

# Lets admin.ModelAdmin[Model] and friends be subscripted at run time (typed admin classes).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "mds",
    "accueil",
    "accompagnement",
    "rgpd",
    "orientations",
    "notifications",
    "pilotage",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mds.middleware.RejectNulMiddleware",
    "mds.middleware.HealthzMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mds.middleware.MfaRequiredMiddleware",
    "accueil.middleware.TabletIdleLogoutMiddleware",
]

ROOT_URLCONF = "mds.urls"
WSGI_APPLICATION = "mds.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mds.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database that hangs (accepts, never answers) must not hold a gunicorn worker for its whole
# 30 s timeout: give up connecting after DB_CONNECT_TIMEOUT s, and let PostgreSQL cancel any
# statement longer than DB_STATEMENT_TIMEOUT s (below gunicorn's timeout, so the request ends
# with a clean error page instead of a killed worker). 0 disables either.
DB_CONNECT_TIMEOUT = env.int("DB_CONNECT_TIMEOUT", default=5)
DB_STATEMENT_TIMEOUT = env.int("DB_STATEMENT_TIMEOUT", default=20)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    if DB_CONNECT_TIMEOUT:
        _db_options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    if DB_STATEMENT_TIMEOUT:
        _db_options["options"] = (
            _db_options.get("options", "") + f" -c statement_timeout={DB_STATEMENT_TIMEOUT * 1000}"
        ).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL: str = env.str("REDIS_URL", default="")

if REDIS_URL:
    # Rate limits, used TOTP codes: while Redis is unreachable they fall back to this process's
    # memory (a warning is logged, /healthz says "degraded") so that login still works.
    CACHES = {
        "default": {
            "BACKEND": "mds.resilient_cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="mds"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "mds.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# --- django-allauth: email login, no public sign-up, MFA (TOTP + recovery codes) ---
ACCOUNT_ADAPTER = "mds.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
# How long a typed password counts as "recent": re-authentication is asked again after it before
# revealing a vault secret or changing the second factor (the login itself counts for the
# two-factor pages only: see mds.adapters.AccountAdapter.is_reauthentication_required).
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("REAUTHENTICATION_TIMEOUT", default=300)
# Do not email strangers who type an unknown address in "mot de passe oublié".
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# A whole MDS shares one public address (NAT) and arrives through the HTTPS proxy: a per-IP
# count of *failures* would let five typos lock every agent out (re-authentication included).
# So failures lock the account only (5 per 5 min), and the per-IP brake counts every login
# POST of one real client address (see TRUSTED_PROXIES), sized well above an office's rush.
ACCOUNT_RATE_LIMITS = {
    "login": env.str("LOGIN_RATE_PER_IP", default="60/m/ip"),
    "login_failed": "5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
# Client address behind the HTTPS proxy: X-Forwarded-For is read from the right, skipping the
# addresses of these proxies (IPs or networks, e.g. "10.0.0.2,172.16.0.0/12"); empty = the
# socket's address (direct exposure, no proxy trusted). See mds.adapters.client_ip.
TRUSTED_PROXIES: list[str] = env.list("TRUSTED_PROXIES", default=[])
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MDS Connectée] "
#: The name people read in e-mails and pages (invitations, admin header).
SITE_NAME = env.str("SITE_NAME", default="MDS Connectée")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "MDS Connectée"
# Accept the previous/next 30 s step (RFC 6238 §5.2): phones drift, and a code typed at the end
# of its window must not fail. Used codes are still refused for the whole window.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- i18n ---
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- static files, vendored; served by WhiteNoise (compressed, cache-busted) ---
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- email ---
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="MDS Connectée <ne-pas-repondre@mds.local>"
)
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))

# --- security baseline (hardened further in prod.py) ---
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Strict CSP: our own origin only, no inline script or style. The QR code of the TOTP setup is
# an inline SVG data: image, hence ``img-src data:``.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Celery ---
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- notifications (see docs/jobs.md): one backend per channel; SMS provider from the env ---
NOTIFICATION_BACKENDS = {
    # production default: the HTTP provider; unconfigured, a reminder fails with that reason
    # (a console backend would log "sent" for messages nobody received)
    "sms": env.str(
        "NOTIFICATION_SMS_BACKEND", default="notifications.backends.sms_http.HttpSmsBackend"
    ),
    "email": env.str(
        "NOTIFICATION_EMAIL_BACKEND", default="notifications.backends.email.EmailBackend"
    ),
}
SMS_HTTP_URL: str = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN: str = env.str("SMS_HTTP_TOKEN", default="")
SMS_SENDER: str = env.str("SMS_SENDER", default="MDS")
# Public address of the site, for links in messages to staff (no request in a Celery job).
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- vault keys (used by the RGPD vault): "kid:base64key,kid2:base64key", newest last ---
VAULT_KEYS: str = env.str("VAULT_KEYS", default="")
VAULT_DOCUMENT_MAX_BYTES = env.int("VAULT_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# How long things are kept: defaults, bounds and legal sources live in ONE table,
# rgpd/retention.py (the processing register and docs/rgpd.md come from it). An environment
# variable of the same name overrides a default; unset, the setting stays absent here and the
# table's default applies (rgpd.retention.value). The journal is rotated with a checkpoint by
# rgpd.journal.rotate_journal (task rgpd.rotate_journal).
RETENTION_SETTINGS = (
    "VAULT_CREDENTIAL_TTL_DAYS",
    "VAULT_CREDENTIAL_TTL_MAX_DAYS",
    "VAULT_DOCUMENT_TTL_HOURS",
    "VAULT_DOCUMENT_TTL_MAX_HOURS",
    "JOURNAL_RETENTION_MONTHS",
    "REFERRAL_RETENTION_MONTHS",
    "USAGER_RETENTION_MONTHS",
)
globals().update({name: env.int(name) for name in RETENTION_SETTINGS if name in env.ENVIRON})
# After each batch a purge pauses this fraction of the batch's own duration, so that a purge
# of a big backlog leaves the database to the desks' check-ins (bench/purge.py); 0 = no pause.
RETENTION_PAUSE_RATIO: float = env.float("RETENTION_PAUSE_RATIO", default=0.5)

# Error reports (debug page, logs, mails) hide every POST field that carries a password, a TOTP
# code or a secret, whatever the view and wherever it failed (rate limit included).
DEFAULT_EXCEPTION_REPORTER_FILTER = "mds.errors.SensitiveFieldsFilter"
# HMAC keys of the journal chain, "kid:base64key,...", newest last (rgpd/journal_keys.py).
JOURNAL_KEYS: str = env.str("JOURNAL_KEYS", default="")

# Orientations: days after a referral closes during which its recipient still sees the person's
# mediation sessions (docs/orientations.md).
REFERRAL_SESSION_ACCESS_DAYS = env.int("REFERRAL_SESSION_ACCESS_DAYS", default=30)

# --- logging: to stdout, never request bodies ---
# While the database is down, each failing request logs one line, not an ~8 kB traceback (the
# first failure of an outage keeps its traceback): mds.logs.DatabaseOutageFilter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"database_outage": {"()": "mds.logs.DatabaseOutageFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["database_outage"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
