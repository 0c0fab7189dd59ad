"""`manage.py rotate_field_keys`: re-encrypt every encrypted field with the current key.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), run this
command, then remove the old keys.

The audit trail's history tables hold copies of these fields and are re-encrypted too, so the
old keys can really go. Re-encryption changes no value: the audit triggers are switched off for
the rows it rewrites (no history rows for it, and the history tables' append-only guard lets
exactly this rewrite through).
"""

import pgtrigger
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from crm.fields import EncryptedTextField

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt every encrypted model field with the first FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args, **options):
        for model in apps.get_models():
            names = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
            if not names:
                continue
            count = 0
            triggers = [
                f"{model._meta.label}:{trigger.name}"
                for tracked, trigger in pgtrigger.registered()
                if tracked._meta.label == model._meta.label
            ]
            with transaction.atomic(), pgtrigger.ignore(*triggers):
                # Reading decrypts with any key; writing encrypts with the current one.
                rows = model._base_manager.select_for_update().only("pk", *names)
                for obj in rows.iterator(chunk_size=BATCH):
                    model._base_manager.filter(pk=obj.pk).update(
                        **{name: getattr(obj, name) for name in names}
                    )
                    count += 1
            self.stdout.write(
                f"{model._meta.label}: {count} rows re-encrypted ({', '.join(names)})"
            )
