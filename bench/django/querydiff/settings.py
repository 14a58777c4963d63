"""Settings for the query differential bench (bench/query-diff.ts): one app, no migrations.

QUERYDIFF_DB is a database URL: sqlite:path, postgres://user@host:port/name or
mysql://user@host:port/name. Django's tables are its own (querydiff_*), beside Trove's.
"""
import os
from urllib.parse import urlparse

SECRET_KEY = "querydiff"
INSTALLED_APPS = ["querydiff"]
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"


def database(url):
    if url.startswith("sqlite:"):
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": url[len("sqlite:"):] or ":memory:"}
    parsed = urlparse(url)
    engine = {"postgres": "postgresql", "postgresql": "postgresql", "mysql": "mysql", "mariadb": "mysql"}[parsed.scheme]
    return {
        "ENGINE": f"django.db.backends.{engine}",
        "NAME": parsed.path.lstrip("/"),
        "USER": parsed.username or "",
        "PASSWORD": parsed.password or "",
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
    }


DATABASES = {"default": database(os.environ.get("QUERYDIFF_DB", "sqlite::memory:"))}
