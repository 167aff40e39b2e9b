import secrets

from django.db import migrations, models

import evidence.models


def give_each_bundle_its_code(apps, schema_editor):
    # Bundles made before the code existed each get their own: a shared one would link them.
    Bundle = apps.get_model("evidence", "Bundle")
    for pk in Bundle.objects.values_list("pk", flat=True):
        Bundle.objects.filter(pk=pk).update(verify_secret=secrets.token_urlsafe(16))


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0005_custody_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="bundle",
            name="verify_secret",
            field=models.CharField(default="", editable=False, max_length=32),
            preserve_default=False,
        ),
        migrations.RunPython(give_each_bundle_its_code, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="bundle",
            name="verify_secret",
            field=models.CharField(default=evidence.models.new_verify_secret, editable=False, max_length=32,
                                   unique=True),
        ),
    ]
