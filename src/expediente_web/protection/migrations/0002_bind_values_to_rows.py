"""Protected values written before they were bound to their rows are re-sealed bound to them.

Needs the key ring only when the database holds protected values; see
`expediente_web.protection.legacy`. Going back leaves the values bound (the earlier code cannot
read them, so downgrading past this migration needs an export first).
"""

from django.db import migrations

from expediente_web.protection.legacy import rebind


class Migration(migrations.Migration):
    dependencies = [
        ("protection", "0001_key_checks"),
        ("records", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(rebind, migrations.RunPython.noop),
    ]
