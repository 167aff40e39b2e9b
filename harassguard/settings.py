"""HarassGuard settings: every deployment knob is an environment variable (see README)."""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from harassguard.lib.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "cases",
    "evidence",
    "complaints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.RequireSecondFactorMiddleware",
    "accounts.middleware.PinLockMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Turns a throttled sign-in into a clear 429, and keeps pages with case data out of caches.
    "accounts.middleware.SignInThrottleMiddleware",
    "harassguard.middleware.NoStoreMiddleware",
]

if not DEBUG:
    # Static files straight from gunicorn after collectstatic; runserver serves them in DEBUG.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "harassguard.urls"
WSGI_APPLICATION = "harassguard.wsgi.application"

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
                "accounts.context_processors.privacy",
            ],
        },
    },
]

# SQLite by default so `make run` needs no server; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` has the web server and the worker write one SQLite file at once. WAL lets
    # readers go on while one writes; IMMEDIATE transactions take the write lock when they
    # begin, so two that read and then write wait their turn (busy timeout, in seconds)
    # instead of failing at once with "database is locked"; it also serialises custody
    # events, for which select_for_update does nothing on SQLite.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_SECONDS", 30, minimum=1),
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first: new and changed passwords are stored with it, older hashes still verify.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "accounts.throttle.ThrottleBackend",  # first: refuses a throttled sign-in before any password check
    "django.contrib.auth.backends.ModelBackend",
]
# How many X-Forwarded-For hops to trust: 0 without a reverse proxy, 1 behind one HTTPS proxy.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Sign-in throttling, by user name and IP address together, so a stranger who knows a user
# name cannot lock its owner out: after this many wrong passwords each further try waits a
# minute, then 2, 4, ... up to an hour. (AXES_FAILURE_LIMIT is the older name of the setting.)
SIGNIN_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", env_int("AXES_FAILURE_LIMIT", 5, minimum=1), minimum=1)
# Wrong passwords from one IP address, for any user names, before it must wait an hour.
SIGNIN_IP_FAILURE_LIMIT = env_int("SIGNIN_IP_FAILURE_LIMIT", 30, minimum=1)
# New accounts and password-reset e-mails per IP address per hour; /verify/ lookups per IP per hour.
SIGNUP_PER_HOUR = env_int("SIGNUP_PER_HOUR", 10, minimum=1)
PASSWORD_RESET_PER_HOUR = env_int("PASSWORD_RESET_PER_HOUR", 5, minimum=1)
VERIFY_PER_HOUR = env_int("VERIFY_PER_HOUR", 60, minimum=1)
# API tokens expire this many days after they were issued.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90, minimum=1)

# Outgoing mail (invitation links). The console backend prints mail when no server is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "HarassGuard <noreply@localhost>")

# Two-factor sign-in (TOTP apps). With this on, lawyers must use it to open shared cases.
REQUIRE_2FA_FOR_LAWYERS = env_bool("REQUIRE_2FA_FOR_LAWYERS", False)
OTP_TOTP_ISSUER = "HarassGuard"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "case-list"
LOGOUT_REDIRECT_URL = "login"

# Chinese first; English complete.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"

# Evidence lives under MEDIA_ROOT but is never served from a public URL: only
# views that check permission hand files out.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 200, minimum=1)
# Scratch files: an upload being received, a worker's copy of an original, a bundle being zipped.
# By default beside the originals: a file posted in one request to local, unencrypted storage is then
# stored by a rename; the resumable path, encrypted storage and S3 copy it. They are plaintext
# while they exist: with EVIDENCE_ENCRYPTION_KEY set, point SCRATCH_DIR at a tmpfs (see README).
SCRATCH_DIR = Path(env_str("SCRATCH_DIR", str(MEDIA_ROOT / "tmp")))
FILE_UPLOAD_TEMP_DIR = str(SCRATCH_DIR)
FILE_UPLOAD_HANDLERS = ["evidence.intake.handler.HashingUploadHandler"]
# Per-account quotas (0: none); see evidence/intake/quotas.py.
QUOTA_MB = env_int("QUOTA_MB", 10240, minimum=0)
QUOTA_ITEMS = env_int("QUOTA_ITEMS", 20000, minimum=0)
QUOTA_OPEN_UPLOADS = env_int("QUOTA_OPEN_UPLOADS", 20, minimum=0)
# An upload sent in pieces and left unfinished this long is deleted (it never became evidence).
UPLOAD_RESUME_HOURS = env_int("UPLOAD_RESUME_HOURS", 24, minimum=1)
# The owner's full copies of a case are deleted this long after they are made.
EXPORT_HOURS = env_int("EXPORT_HOURS", 72, minimum=1)

STORAGE_BACKEND = env_choice("STORAGE_BACKEND", "local", {"local", "s3"})
_evidence_storage: dict[str, Any]
if STORAGE_BACKEND == "s3":
    _evidence_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if not _evidence_storage["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("AWS_STORAGE_BUCKET_NAME must be set when STORAGE_BACKEND=s3")
else:
    _evidence_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Read-only files: an original is written once and never rewritten.
        "OPTIONS": {"location": str(MEDIA_ROOT / "evidence"), "file_permissions_mode": 0o440},
    }
# Optional encryption at rest of every stored file (base64 of 32 random bytes).
EVIDENCE_ENCRYPTION_KEY = env_str("EVIDENCE_ENCRYPTION_KEY")
if EVIDENCE_ENCRYPTION_KEY:
    _evidence_storage["BACKEND"] = {
        "local": "evidence.encryption.EncryptedFileSystemStorage",
        "s3": "evidence.encryption.EncryptedS3Storage",
    }[STORAGE_BACKEND]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": _evidence_storage,
}

# Celery: Redis when REDIS_URL is set, else a filesystem broker that needs no server.
REDIS_URL = env_str("REDIS_URL")
BROKER_DIR = Path(env_str("BROKER_DIR", str(BASE_DIR / "var" / "broker")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Longer than the longest task (a long transcription), so Redis never
    # re-delivers a message that a worker is still working on.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {"visibility_timeout": 6 * 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 12, minimum=1) * 3600
SESSION_COOKIE_SECURE = env_bool("HTTPS", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
if SESSION_COOKIE_SECURE:
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# No inline script or style anywhere: the pages load only this site's own files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"

# Processing jobs: a pending job untouched this long lost its message; a running
# one untouched this long lost its worker (longer than the longest transcription).
JOB_PENDING_REQUEUE_SECONDS = env_int("JOB_PENDING_REQUEUE_SECONDS", 600, minimum=0)
JOB_RUNNING_REQUEUE_SECONDS = env_int("JOB_RUNNING_REQUEUE_SECONDS", 3 * 3600, minimum=0)
CELERY_BEAT_SCHEDULE = {
    "requeue-stuck-jobs": {"task": "evidence.tasks.requeue_stuck_jobs", "schedule": 300.0},
    "requeue-stuck-redactions": {"task": "evidence.tasks.requeue_stuck_redactions", "schedule": 300.0},
    "clean-abandoned-uploads": {"task": "evidence.tasks.clean_abandoned_uploads", "schedule": 3600.0},
    "anchor-custody-heads": {"task": "evidence.tasks.anchor_custody_heads", "schedule": 3600.0},
    "sanity-check": {"task": "evidence.tasks.sanity_check", "schedule": 24 * 3600.0},
    "forget-old-throttles": {"task": "accounts.tasks.forget_old_throttles", "schedule": 3600.0},
    "clean-expired-exports": {"task": "evidence.tasks.clean_expired_exports", "schedule": 3600.0},
}

# Transcription (faster-whisper by default, openai-whisper supported; chosen by bench/asr_eval.py).
# WHISPER_MODEL is a model name (downloaded once into WHISPER_DOWNLOAD_ROOT) or the path of a
# model placed there by hand (.pt for openai-whisper, a CTranslate2 folder for faster-whisper).
WHISPER_MODEL = env_str("WHISPER_MODEL", "small")
WHISPER_DOWNLOAD_ROOT = env_str("WHISPER_DOWNLOAD_ROOT", str(BASE_DIR / "var" / "models"))
WHISPER_LANGUAGE = env_str("WHISPER_LANGUAGE", "zh")
WHISPER_DEVICE = env_str("WHISPER_DEVICE", "")  # empty: CUDA when present, else CPU
# Longer recordings are refused (a clear "too long" state) before they are decoded into memory.
MAX_AUDIO_MINUTES = env_int("MAX_AUDIO_MINUTES", 180, minimum=1)
TRANSCRIBE_ENGINE = env_choice("TRANSCRIBE_ENGINE", "faster-whisper", {"openai-whisper", "faster-whisper"})
TRANSCRIBE_BEAM_SIZE = env_int("TRANSCRIBE_BEAM_SIZE", 5, minimum=1)

# Threads: the heavy worker (transcription, OCR, bundles) runs HEAVY_WORKER_CONCURRENCY processes,
# each using TRANSCRIBE_THREADS threads in torch, CTranslate2 and ONNX Runtime, so that together
# they use no more than the machine's cores (more threads than cores only slows every one down).
CPU_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
HEAVY_WORKER_CONCURRENCY = env_int("HEAVY_WORKER_CONCURRENCY", 1, minimum=1)
TRANSCRIBE_THREADS = env_int("TRANSCRIBE_THREADS", max(1, CPU_CORES // HEAVY_WORKER_CONCURRENCY), minimum=1)

# Trusted time stamps: an RFC 3161 authority when TSA_URL is set, else receipts
# signed with the server's own Ed25519 key (created on first use).
TSA_URL = env_str("TSA_URL")
TSA_CA_FILE = env_str("TSA_CA_FILE")
SIGNING_KEY_FILE = Path(env_str("SIGNING_KEY_FILE", str(BASE_DIR / "var" / "keys" / "receipt-ed25519.pem")))
# The custody chain's HMAC key, kept out of the database: CUSTODY_KEY (base64 of 32 random bytes),
# else the file CUSTODY_KEY_FILE, created on first use next to the signing key. Back it up with it:
# without it the chains can no longer be checked.
CUSTODY_KEY = env_str("CUSTODY_KEY")
CUSTODY_KEY_FILE = Path(env_str("CUSTODY_KEY_FILE", str(SIGNING_KEY_FILE.parent / "custody-hmac.key")))
# A case whose custody changed has its chain head time-stamped at least this often (and at every bundle).
CUSTODY_ANCHOR_HOURS = env_int("CUSTODY_ANCHOR_HOURS", 24, minimum=1)
# The certificate the site signs its PDFs (bundles, letters) with: a PKCS#12 file, or a PEM
# certificate (signing certificate first, then its chain) and its key. With none of them set, a
# local certificate (and the root that issued it) is made once beside SIGNING_KEY_FILE.
PDF_SIGNING_P12_FILE = env_str("PDF_SIGNING_P12_FILE")
PDF_SIGNING_CERT_FILE = env_str("PDF_SIGNING_CERT_FILE")
PDF_SIGNING_KEY_FILE = env_str("PDF_SIGNING_KEY_FILE")
PDF_SIGNING_PASSPHRASE = env_str("PDF_SIGNING_PASSPHRASE")
if bool(PDF_SIGNING_CERT_FILE) != bool(PDF_SIGNING_KEY_FILE):
    raise ImproperlyConfigured("PDF_SIGNING_CERT_FILE and PDF_SIGNING_KEY_FILE must be set together")
# Where the PDF's signature says it was signed (its /Location), e.g. the city of the operator.
PDF_SIGNING_LOCATION = env_str("PDF_SIGNING_LOCATION")
# Read-only links to one bundle for a police station or a court clerk: how long a new one lasts
# (at most), and how many requests one address may make to such links an hour.
BUNDLE_SHARE_DAYS = env_int("BUNDLE_SHARE_DAYS", 30, minimum=1)
BUNDLE_SHARE_PER_HOUR = env_int("BUNDLE_SHARE_PER_HOUR", 60, minimum=1)

# The site's public address, for the verification links and QR codes printed in bundles.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Who runs this site: named in every bundle's annex 2, because the site is not a neutral 存证 platform.
SITE_OPERATOR = env_str("SITE_OPERATOR", "本站运营者（未在 SITE_OPERATOR 中填写名称）")
SITE_OPERATOR_RELATION = env_str("SITE_OPERATOR_RELATION", "未说明")

# How long a relative's statement link stays open, and how many requests an address may make
# to statement-link pages an hour (accounts/throttle.py).
STATEMENT_LINK_DAYS = env_int("STATEMENT_LINK_DAYS", 14, minimum=1)
STATEMENT_LINK_PER_HOUR = env_int("STATEMENT_LINK_PER_HOUR", 30, minimum=1)

# Quick exit (accounts/privacy.py): the neutral pages the button replaces the site with. Outside
# pages on purpose: one of our own would stay in the phone's history under our address.
QUICK_EXIT_URLS = {
    "weather": env_str("QUICK_EXIT_WEATHER_URL", "https://www.weather.com.cn/"),
    "news": env_str("QUICK_EXIT_NEWS_URL", "https://news.cctv.com/"),
}
for _exit_name, _exit_url in QUICK_EXIT_URLS.items():
    if not _exit_url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"QUICK_EXIT_{_exit_name.upper()}_URL must start with https://, not {_exit_url!r}")
# Discreet mode's PIN: a case page asks for it again after this many idle minutes, and this many
# wrong PINs an hour sign the account out of that phone (the password then opens it again).
PIN_IDLE_MINUTES = env_int("PIN_IDLE_MINUTES", 15, minimum=1)
PIN_TRIES_PER_HOUR = env_int("PIN_TRIES_PER_HOUR", 5, minimum=1)
