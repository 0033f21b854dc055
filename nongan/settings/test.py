"""The test suite: the same engines as base (chosen by the environment), made quick."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env("MEDIA_ROOT", default="/tmp/nongan-test-media")

# Tests run tasks inline unless they ask for the real worker (the `celery_worker` fixture):
# a stray task on a shared broker would otherwise outlive its test's database.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

# Rate limits are tested on purpose with their own settings; elsewhere they'd only get in the way.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {k: "100000/min" for k in ("public", "checks", "reports", "feed")},
}

# The anonymous page cache outlives a test's data; tests/portal/test_cache.py turns it on.
PORTAL_PAGE_CACHE = False

# The public search pages' per-IP budget would run out across a test session (one client
# IP, one local cache); tests of the limit itself set their own.
PUBLIC_RATE_LIMITS = {"search": (100_000, 60)}
