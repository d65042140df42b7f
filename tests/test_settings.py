"""Configuration from the environment, and production settings that refuse to run unsafely."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(settings: str, env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": settings, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _run("coproduce.settings.production", {}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_passes_the_deploy_check():
    result = _run(
        "coproduce.settings.production",
        {"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "coproduce.example.org"},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_with_nothing_set_the_site_uses_sqlite_and_the_in_memory_layer():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'])"
    )
    result = _run("coproduce.settings.dev", {}, "shell", "-c", code)
    assert "sqlite3" in result.stdout and "InMemoryChannelLayer" in result.stdout


def test_database_and_redis_urls_switch_the_backends():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'],"
        " s.CACHES['default']['BACKEND'])"
    )
    result = _run(
        "coproduce.settings.dev",
        {"DATABASE_URL": "postgres://u@127.0.0.1:5432/x", "REDIS_URL": "redis://127.0.0.1:6379/3"},
        "shell",
        "-c",
        code,
    )
    assert "postgresql" in result.stdout
    assert "RedisPubSubChannelLayer" in result.stdout and "RedisCache" in result.stdout


def test_british_english_and_uk_time():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "en-gb"
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.USE_TZ
