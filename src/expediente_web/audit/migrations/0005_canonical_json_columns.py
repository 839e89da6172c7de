"""The JSON columns of the audit log are written in the chain's canonical form from now on.

The encoder is Python's alone: the columns' definition does not change, so the database is left
as it is (no table rebuild over a long log). Entries written before keep their text; `audit
verify` decodes those as before."""

from django.db import migrations, models

import expediente_web.audit.models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_index_entries_by_object'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='auditentry',
                    name='payload',
                    field=models.JSONField(
                        default=dict, encoder=expediente_web.audit.models.CanonicalJSONEncoder),
                ),
                migrations.AlterField(
                    model_name='auditentry',
                    name='rows',
                    field=models.JSONField(
                        blank=True, default=dict,
                        encoder=expediente_web.audit.models.CanonicalJSONEncoder),
                ),
            ],
            database_operations=[],
        ),
    ]
