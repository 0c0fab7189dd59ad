"""The backup and restore drill (scripts/restore_drill.sh) restores a real dump and verifies it."""

import os
import subprocess
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from tests.factories import ContactFactory, CustomerFactory

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "restore_drill.sh"


def _drill(**env):
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    return subprocess.run(
        ["bash", str(SCRIPT)],
        env={**os.environ, "DATABASE_URL": url, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def data(transactional_db, rm):
    customer = CustomerFactory(relationship_manager=rm)
    ContactFactory(customer=customer, phone="13812345678", id_number="110101199003071234")
    return customer


def test_a_fresh_dump_restores_with_every_row_and_decryptable_fields(data):
    result = _drill()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 contacts decrypt with the configured keys" in result.stdout
    assert "restore drill: OK" in result.stdout


def test_the_drill_fails_when_the_keys_cannot_decrypt_the_restored_data(data):
    # A backup is worthless without the keys: the drill must say so, not pass.
    result = _drill(FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode())

    assert result.returncode != 0
    assert "migrations missing" not in result.stdout  # it failed on the data, not the schema
    assert "decrypt with the configured keys" not in result.stdout
    assert "restore drill: OK" not in result.stdout
