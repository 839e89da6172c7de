"""Reviewers' notes on pair decisions are encrypted at rest.

Notes written before this migration were stored as typed; each is re-written through the
protected field, which encrypts it with the key ring's active key. Going back decrypts them
into the plain column again.
"""

from django.db import migrations

import expediente_web.protection.fields

BATCH = 500


def _plain_notes(connection, table):
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('id')}, {q('note')} FROM {q(table)} WHERE {q('note')} <> '' "  # noqa: S608 (identifiers from the models, values bound as parameters)
            f"ORDER BY {q('id')}"
        )
        return cursor.fetchall()


def encrypt_notes(apps, schema_editor):
    decision = apps.get_model("analyses", "PairDecision")
    # Read the raw column (the values are still plain), then save each note through the
    # protected field, so that it is encrypted the way the field encrypts every value.
    for pk, note in _plain_notes(schema_editor.connection, decision._meta.db_table):
        row = decision.objects.only("id").get(pk=pk)
        row.note = note
        row.save(update_fields=["note"])


def decrypt_notes(apps, schema_editor):
    decision = apps.get_model("analyses", "PairDecision")
    connection = schema_editor.connection
    q = connection.ops.quote_name
    table = q(decision._meta.db_table)
    # Model instances: a protected value decrypts with its row, never from values_list().
    rows = [(row.note, row.pk) for row in decision.objects.exclude(note="").order_by("id")]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                f"UPDATE {table} SET {q('note')} = %s WHERE {q('id')} = %s",  # noqa: S608 (identifiers from the models, values bound as parameters)
                rows[start : start + BATCH],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("analyses", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="pairdecision",
            name="note",
            field=expediente_web.protection.fields.ProtectedTextField(blank=True),
        ),
        migrations.RunPython(encrypt_notes, decrypt_notes),
    ]
