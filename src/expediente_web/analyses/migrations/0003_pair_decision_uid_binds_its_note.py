"""Each pair decision gets a `uid`, and its note is sealed to it.

Protected values are bound to their row's uid (AES-GCM associated data). A decision had none,
so its note was bound to its table and column only, and could be copied onto another decision
and still decrypt there. Existing decisions get a fresh uid and their notes are re-sealed to it.
"""

import uuid

from django.db import migrations, models

from expediente_web.protection.cipher import decrypt, row_binding


def _raw_notes(connection, table):
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q('id')}, {q('note')} FROM {q(table)} ORDER BY {q('id')}")  # noqa: S608 (identifiers from the models, values bound as parameters)
        return cursor.fetchall()


def give_uids_and_reseal(apps, schema_editor):
    decision = apps.get_model("analyses", "PairDecision")
    table = decision._meta.db_table
    unbound = row_binding(table, "note", "")  # how notes were sealed before decisions had a uid
    for pk, stored in _raw_notes(schema_editor.connection, table):
        row = decision.objects.only("id").get(pk=pk)
        row.uid = uuid.uuid4()
        fields = ["uid"]
        if stored:
            # Saved through the protected field, which seals the note to the row's new uid.
            row.note = decrypt(stored, bound_to=unbound)
            fields.append("note")
        row.save(update_fields=fields)


def unseal(apps, schema_editor):
    decision = apps.get_model("analyses", "PairDecision")
    table = decision._meta.db_table
    connection = schema_editor.connection
    q = connection.ops.quote_name
    from expediente_web.protection.cipher import encrypt

    unbound = row_binding(table, "note", "")
    with connection.cursor() as cursor:
        for row in decision.objects.exclude(note="").only("id", "uid", "note").order_by("id"):
            cursor.execute(
                f"UPDATE {q(table)} SET {q('note')} = %s WHERE {q('id')} = %s",  # noqa: S608 (identifiers from the models, values bound as parameters)
                [encrypt(row.note, bound_to=unbound), row.pk],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("analyses", "0002_protect_pair_decision_notes"),
    ]

    operations = [
        migrations.AddField(
            model_name="pairdecision",
            name="uid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(give_uids_and_reseal, unseal),
        migrations.AlterField(
            model_name="pairdecision",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
