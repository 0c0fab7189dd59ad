"""Encrypted fields, masking and the append-only access log (crm/fields.py, masking.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import DatabaseError, connection, transaction

from crm import fields, masking
from crm.models import AccessLog
from crm.services import access_log_record
from customers.models import Contact
from tests.factories import ContactFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("110101199003071234", "1101**********1234"),
        ("11010119900307123X", "1101**********123X"),
        ("12345678", "********"),
        ("", ""),
        (None, ""),
    ],
)
def test_id_numbers_keep_the_first_4_and_last_4(value, expected):
    assert masking.mask_id_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("13812345678", "138****5678"), ("021-6888-1234", "021******1234"), ("1234567", "*******")],
)
def test_phones_keep_the_first_3_and_last_4(value, expected):
    assert masking.mask_phone(value) == expected


@pytest.mark.django_db
def test_a_new_key_put_first_still_reads_old_values_and_rotation_re_encrypts(settings, rm):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    contact = ContactFactory(phone="13812345678")

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert Contact.objects.get(pk=contact.pk).phone == "13812345678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM customers_contact WHERE id = %s", [contact.pk])
        token = cursor.fetchone()[0]
    rotated = fields.rotate_value(token)

    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert Fernet(new_key.encode()).decrypt(rotated.encode()) == b"13812345678"


def test_production_refuses_to_start_without_field_keys():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FIELD_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "crm.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x" * 60,
        }
    )

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be set" in result.stderr


@pytest.mark.django_db
def test_the_access_log_is_append_only_in_the_database(rm):
    entry = access_log_record(user=rm, action="export", category="basic", detail="3 customers")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(detail="nothing")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
    assert AccessLog.objects.get(pk=entry.pk).detail == "3 customers"


@pytest.mark.django_db
def test_the_admin_cannot_change_or_delete_access_log_entries(web_for, admin_user, rm):
    entry = access_log_record(user=rm, action="import", category="basic")
    client = web_for(admin_user)

    assert client.get("/admin/crm/accesslog/").status_code == 200
    assert client.get("/admin/crm/accesslog/add/").status_code == 403
    assert (
        client.post(f"/admin/crm/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert AccessLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_rotate_field_keys_re_encrypts_so_the_old_key_can_go(settings):
    from io import StringIO

    from django.core.management import call_command

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    contact = ContactFactory(phone="13812345678", id_number="110101199003071234")
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = StringIO()

    call_command("rotate_field_keys", stdout=out)

    assert "customers.Contact: 1 rows re-encrypted (phone, id_number)" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    reloaded = Contact.objects.get(pk=contact.pk)
    assert (reloaded.phone, reloaded.id_number) == ("13812345678", "110101199003071234")
