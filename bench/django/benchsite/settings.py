"""Django 5.2's admin over the tables Trove made, for bench/admin.ts.

The blog's tables live in BENCH_BLOG_DB (a SQLite file or a postgres:// URL) and are read, never
migrated, by Django (managed = False); Django's own tables (users, sessions, the admin log) live
in a separate SQLite file, BENCH_DJANGO_OWN_DB.
"""
import os
from urllib.parse import urlparse

SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "benchsite.urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "blog",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]


def blog_database(url):
    if url.startswith("postgres://") or url.startswith("postgresql://"):
        parts = urlparse(url)
        return {
            "ENGINE": "django.db.backends.postgresql", "NAME": parts.path.lstrip("/"), "USER": parts.username or "",
            "PASSWORD": parts.password or "", "HOST": parts.hostname or "", "PORT": str(parts.port or 5432),
            "CONN_MAX_AGE": None,
        }
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": url.removeprefix("sqlite:"), "CONN_MAX_AGE": None}


DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["BENCH_DJANGO_OWN_DB"]},
    "blog": blog_database(os.environ["BENCH_BLOG_DB"]),
}
DATABASE_ROUTERS = ["benchsite.router.BlogRouter"]
STATIC_URL = "/static/"
LOGGING = {
    "version": 1,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR"}},
}
