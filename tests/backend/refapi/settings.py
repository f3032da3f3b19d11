"""Settings of the tokenward reference backend: real dj-rest-auth + simplejwt.

Environment variables (all optional):

- ``TOKENWARD_CONFIG``: ``a``, ``b`` or ``c`` — the three configurations of
  dj-rest-auth described in the project's SERVER notes:
  (a) HttpOnly refresh cookie only; (b) = (a) + ``JWT_AUTH_COOKIE = "access"``;
  (c) = (b) + token_blacklist with rotation and blacklist-after-rotation. Default ``c``.
- ``ACCESS_LIFETIME_SECONDS``: access-token lifetime (default 300).
- ``REFRESH_LIFETIME_SECONDS``: refresh-token lifetime (default one day).
- ``SPA_ORIGINS``: comma-separated origins allowed by CORS and CSRF.
- ``CORS_CREDENTIALS``: ``0`` turns off ``CORS_ALLOW_CREDENTIALS`` (a deliberate misconfiguration).
- ``CSRF_TRUSTED``: ``0`` leaves the SPA origins out of ``CSRF_TRUSTED_ORIGINS`` (misconfiguration).
- ``TEST_HOOKS``: ``1`` mounts ``/test/`` (counters, access-token revocation, header echo) and
  hashes passwords with few iterations (``testhooks.QuickPasswordHasher``).
- ``DB_PATH``: SQLite file (default ``db-<config>.sqlite3`` beside this package).
- ``ACCESS_IAT``: ``0`` issues access tokens without an ``iat`` claim (see ``apps.py``).
- ``COOKIE_SAMESITE``: ``None`` sets the JWT cookies ``SameSite=None; Secure`` (cross-site).
- ``AUTH_ORDER``: ``session-first`` puts DRF's ``SessionAuthentication`` before the JWT class (a
  common order, DRF's own default): a refused or expired token is then answered 403, not 401.
- ``AUTH_HEADER_TYPES``: comma-separated ``SIMPLE_JWT["AUTH_HEADER_TYPES"]`` (e.g. ``JWT``).
- ``REFRESH_COOKIE_PATH``: ``REST_AUTH["JWT_AUTH_REFRESH_COOKIE_PATH"]`` (e.g.
  ``/dj-rest-auth/token/refresh/``, which keeps the cookie from ``logout/``).
- ``REGISTRATION``: ``none`` or ``mandatory`` mounts ``dj-rest-auth/registration/``
  (django-allauth) with that e-mail verification, password validators, Django sessions (allauth
  logs the new user in), and an in-memory outbox (``/test/outbox/`` with ``TEST_HOOKS=1``).

The stack itself is the reference one (``requirements.txt``) or a row of the version matrix
(``rows/``, chosen by ``BACKEND_ROW`` in ``serve.sh``).
"""
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

CONFIG = os.environ.get("TOKENWARD_CONFIG", "c").lower()
if CONFIG not in ("a", "b", "c"):
    raise SystemExit("TOKENWARD_CONFIG must be a, b or c")
ACCESS_LIFETIME = int(os.environ.get("ACCESS_LIFETIME_SECONDS", "300"))
REFRESH_LIFETIME = int(os.environ.get("REFRESH_LIFETIME_SECONDS", str(24 * 3600)))
TEST_HOOKS = os.environ.get("TEST_HOOKS") == "1"
SPA_ORIGINS = [
    o.strip()
    for o in os.environ.get(
        "SPA_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000"
    ).split(",")
    if o.strip()
]

SECRET_KEY = "tokenward-reference-backend-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",  # dj-rest-auth imports its default TOKEN_MODEL
    "dj_rest_auth",
    "refapi",
]
if CONFIG == "c":
    INSTALLED_APPS.append("rest_framework_simplejwt.token_blacklist")

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
if TEST_HOOKS:
    MIDDLEWARE.insert(0, "refapi.testhooks.CountingMiddleware")
    MIDDLEWARE.insert(2, "refapi.testhooks.FaultMiddleware")  # inside CORS

REGISTRATION = os.environ.get("REGISTRATION", "")
if REGISTRATION not in ("", "none", "mandatory"):
    raise SystemExit("REGISTRATION must be none or mandatory")
if REGISTRATION:
    INSTALLED_APPS += [
        "django.contrib.sites",
        "django.contrib.sessions",
        "django.contrib.messages",
        "allauth",
        "allauth.account",
        "allauth.socialaccount",  # dj-rest-auth's registration views import its models
        "dj_rest_auth.registration",
    ]
    SITE_ID = 1
    MIDDLEWARE.insert(MIDDLEWARE.index("corsheaders.middleware.CorsMiddleware") + 1,
                      "django.contrib.sessions.middleware.SessionMiddleware")
    MIDDLEWARE += [
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "allauth.account.middleware.AccountMiddleware",
    ]
    # allauth's documented set-up: its backend lets LoginView authenticate by e-mail too.
    AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ]
    ACCOUNT_EMAIL_VERIFICATION = REGISTRATION
    ACCOUNT_LOGIN_METHODS = {"username", "email"}
    ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
    AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    ]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

ROOT_URLCONF = "refapi.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DB_PATH", str(BASE_DIR / f"db-{CONFIG}.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TEMPLATES = [
    {
        # E-mails of the registration and password-reset views (allauth's templates).
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
if TEST_HOOKS:
    PASSWORD_HASHERS.insert(0, "refapi.testhooks.QuickPasswordHasher")

CORS_ALLOWED_ORIGINS = SPA_ORIGINS
CORS_ALLOW_CREDENTIALS = os.environ.get("CORS_CREDENTIALS", "1") != "0"
CSRF_TRUSTED_ORIGINS = SPA_ORIGINS if os.environ.get("CSRF_TRUSTED", "1") != "0" else []

AUTH_ORDER = os.environ.get("AUTH_ORDER", "")
if AUTH_ORDER not in ("", "session-first"):
    raise SystemExit("AUTH_ORDER must be session-first")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": (
        ["rest_framework.authentication.SessionAuthentication"] if AUTH_ORDER else []
    ) + [
        "refapi.auth.TestableJWTCookieAuthentication"
        if TEST_HOOKS
        else "dj_rest_auth.jwt_auth.JWTCookieAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

REST_AUTH = {
    "USE_JWT": True,
    "JWT_AUTH_HTTPONLY": True,
    "JWT_AUTH_REFRESH_COOKIE": "refresh_token",
    "JWT_AUTH_COOKIE_USE_CSRF": True,
    "SESSION_LOGIN": False,
}
if CONFIG in ("b", "c"):
    REST_AUTH["JWT_AUTH_COOKIE"] = "access"
if os.environ.get("REFRESH_COOKIE_PATH"):
    REST_AUTH["JWT_AUTH_REFRESH_COOKIE_PATH"] = os.environ["REFRESH_COOKIE_PATH"]
# The cross-site set-up: the JWT cookies with SameSite=None (and so Secure, which browsers
# accept from http://127.0.0.1 and localhost as potentially trustworthy origins).
if os.environ.get("COOKIE_SAMESITE") == "None":
    REST_AUTH["JWT_AUTH_SAMESITE"] = "None"
    REST_AUTH["JWT_AUTH_SECURE"] = True

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=ACCESS_LIFETIME),
    "REFRESH_TOKEN_LIFETIME": timedelta(seconds=REFRESH_LIFETIME),
}
if os.environ.get("AUTH_HEADER_TYPES"):
    SIMPLE_JWT["AUTH_HEADER_TYPES"] = tuple(os.environ["AUTH_HEADER_TYPES"].split(","))
if CONFIG == "c":
    SIMPLE_JWT["ROTATE_REFRESH_TOKENS"] = True
    SIMPLE_JWT["BLACKLIST_AFTER_ROTATION"] = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO"},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}
