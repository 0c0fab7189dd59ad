"""Settings come from the environment; production refuses to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = (
    "import django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(settings.DEBUG, db['NAME'], db['HOST'], db['PORT'], settings.CELERY_BROKER_URL, "
    "settings.SESSION_COOKIE_SECURE, settings.EMAIL_BACKEND)"
)


def _run(env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "crm.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = _run({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": ""})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_mode_starts_with_a_secret_key_and_secure_cookies():
    result = _run(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x" * 60,
            "FIELD_ENCRYPTION_KEYS": "zL5dU9Dq0xY8m7b7mJQ3nO6o0nS1o8bM2c3d4e5f6g8=",
        }
    )

    assert result.returncode == 0, result.stderr
    debug, *_rest, secure_cookie, _email = result.stdout.split()
    assert debug == "False"
    assert secure_cookie == "True"


def test_database_redis_and_email_come_from_the_environment():
    result = _run(
        {
            "DATABASE_URL": "postgres://bank:pw@db.internal:6543/crm_prod",
            "REDIS_URL": "redis://cache.internal:6380/2",
            "EMAIL_URL": "smtp://mailer:secret@smtp.internal:587",
        }
    )

    assert result.returncode == 0, result.stderr
    debug, name, host, port, broker, _secure, email = result.stdout.split()
    assert (debug, name, host, port) == ("True", "crm_prod", "db.internal", "6543")
    assert broker == "redis://cache.internal:6380/2"
    assert email == "django.core.mail.backends.smtp.EmailBackend"


def test_local_defaults_point_at_the_local_services(settings):
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


def test_check_deploy_is_clean_in_production_mode():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "k" * 40,
        ALLOWED_HOSTS="crm.bank.example",
        FIELD_ENCRYPTION_KEYS="zL5dU9Dq0xY8m7b7mJQ3nO6o0nS1o8bM2c3d4e5f6g8=",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
