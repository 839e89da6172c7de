from django.db import migrations


def create_head(apps, schema_editor):
    head_model = apps.get_model("audit", "AuditHead")
    head_model.objects.get_or_create(id=1)


class Migration(migrations.Migration):
    """The single head row that appends lock, made up front so that no two first appends race
    to create it."""

    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
