"""Settings choose each engine from the environment (DESIGN §4)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
from django.conf import settings
django.setup()
from nongan.celery import app
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "app_eager": app.conf.task_always_eager,
    "broker": settings.CELERY_BROKER_URL,
    "search": settings.SEARCH_ENGINE,
    "cache": settings.CACHES["default"]["BACKEND"],
    "lang": settings.LANGUAGE_CODE,
    "languages": [code for code, _ in settings.LANGUAGES],
    "tz": settings.TIME_ZONE,
}))
"""
SCALE_OUT = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "ELASTICSEARCH_URL",
    "CELERY_RESULT_BACKEND",
)


def probe(settings_module="nongan.settings.dev", **env_vars):
    env = {k: v for k, v in os.environ.items() if k not in SCALE_OUT}
    env.update({"DJANGO_SETTINGS_MODULE": settings_module, **env_vars})
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_embedded_default_needs_no_services():
    s = probe()
    assert s["db"] == "django.db.backends.sqlite3" and s["db_name"].endswith("var/nongan.sqlite3")
    assert s["eager"] is True and s["app_eager"] is True and s["broker"] == ""
    assert s["search"] == "embedded"
    assert s["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert (s["lang"], s["tz"]) == ("zh-hans", "Asia/Shanghai")
    assert s["languages"] == ["zh-hans", "en"]


def test_scale_out_services_from_environment():
    s = probe(
        DATABASE_URL="postgres://u@db.example:5432/nongan",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        REDIS_URL="redis://127.0.0.1:6379/1",
        ELASTICSEARCH_URL="http://127.0.0.1:9200",
    )
    assert s["db"] == "django.db.backends.postgresql" and s["db_name"] == "nongan"
    assert s["eager"] is False and s["app_eager"] is False
    assert s["broker"] == "redis://127.0.0.1:6379/0"
    assert s["search"] == "elasticsearch"
    assert s["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_production_settings_pass_check_deploy_without_warnings():
    env = {k: v for k, v in os.environ.items() if k not in SCALE_OUT}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "nongan.settings.production",
            "SECRET_KEY": "p8#Qz1x!Lr7@Vn4$Wm2^Kc9&Hs6*Jd3(Tf5)Yg0-Bq8=Nw1+Ea7Zu4",
            "ALLOWED_HOSTS": "credit.example.gov.cn",
        }
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout
