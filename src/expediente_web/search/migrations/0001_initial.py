import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def create_full_text(apps, schema_editor):
    from expediente_web.search.backends import setup_statements

    for statement in setup_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_full_text(apps, schema_editor):
    from expediente_web.search.backends import teardown_statements

    for statement in teardown_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("cases", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_type", models.CharField(choices=[("testimony", "testimony"), ("excerpt", "excerpt"), ("comment", "comment"), ("act", "act"), ("event", "event")], max_length=16)),
                ("object_id", models.BigIntegerField()),
                ("terms", models.TextField()),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("case", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="cases.case")),
            ],
            options={
                "indexes": [models.Index(fields=["case", "object_type"], name="search_doc_case_type")],
                "constraints": [models.UniqueConstraint(fields=("object_type", "object_id"), name="one_document")],
            },
        ),
        migrations.CreateModel(
            name="SearchFacet",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("facet", models.CharField(max_length=16)),
                ("value", models.CharField(max_length=128)),
                ("document", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="facets", to="search.searchdocument")),
            ],
            options={
                "indexes": [models.Index(fields=["facet", "value", "document"], name="search_facet_fv")],
            },
        ),
        migrations.CreateModel(
            name="SavedSearch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=120)),
                ("query", models.CharField(max_length=500)),
                ("filters", models.JSONField(default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("case", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="saved_searches", to="cases.case")),
                ("owner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ["name"],
                "constraints": [models.UniqueConstraint(fields=("case", "owner", "name"), name="saved_search_name")],
            },
        ),
        migrations.RunPython(create_full_text, drop_full_text),
    ]
