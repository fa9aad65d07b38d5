"""The settings module: embedded defaults, environment switches, and no unsafe production."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'layer': settings.CHANNEL_LAYERS['default']['BACKEND'], 'debug': settings.DEBUG, "
    "'tasks': settings.TASKS['default']['BACKEND'], 'lang': settings.LANGUAGE_CODE}))"
)


def probe(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "ECABINET_ENV", "SECRET_KEY", "DEBUG"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="ecabinet.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_embedded_default_needs_no_configuration():
    result = probe()
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts == {
        "engine": "django.db.backends.sqlite3",
        "layer": "channels.layers.InMemoryChannelLayer",
        "debug": True,
        "tasks": "django_tasks.backends.immediate.ImmediateBackend",
        "lang": "vi",
    }


def test_urls_switch_to_postgresql_and_redis():
    result = probe(
        DATABASE_URL="postgres://u:p@db.example:5432/ecabinet",
        REDIS_URL="redis://cache.example:6379/0",
        TASKS_BACKEND="database",
    )
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["engine"] == "django.db.backends.postgresql"
    assert facts["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert facts["tasks"] == "django_tasks_db.DatabaseBackend"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ECABINET_ENV": "production"}, "SECRET_KEY must be set"),
        (
            {"ECABINET_ENV": "production", "SECRET_KEY": "s" * 50, "DEBUG": "1"},
            "DEBUG cannot be on",
        ),
        ({"DEBUG": "perhaps"}, "DEBUG must be a boolean"),
        ({"ECABINET_ENV": "staging"}, "ECABINET_ENV must be"),
    ],
)
def test_unsafe_or_wrong_settings_stop_start_up(env, message):
    result = probe(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_with_a_secret_runs_without_debug():
    result = probe(ECABINET_ENV="production", SECRET_KEY="s" * 50)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["debug"] is False
