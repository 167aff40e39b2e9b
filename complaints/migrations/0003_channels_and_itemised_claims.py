from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0002_pdf_by_worker"),
    ]

    operations = [
        migrations.RenameField("complaint", "damages_amount", "damages_mental"),
        migrations.AlterField(
            model_name="complaint", name="damages_mental",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True,
                                      verbose_name="compensation for serious mental distress (yuan)"),
        ),
        migrations.AlterField(
            model_name="complaint", name="damages_basis",
            field=models.TextField(blank=True, verbose_name="how the amounts were worked out"),
        ),
        migrations.AddField(
            model_name="complaint", name="damages_medical",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True,
                                      verbose_name="medical costs and lost income (yuan)"),
        ),
        migrations.AddField(
            model_name="complaint", name="damages_property",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True,
                                      verbose_name="other financial losses (yuan)"),
        ),
        migrations.AddField(
            model_name="complaint", name="damages_costs",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True,
                                      verbose_name="reasonable costs of asserting your rights: notary, lawyer, travel (yuan)"),
        ),
        migrations.AddField(
            model_name="complaint", name="dispute_amounts",
            field=models.BooleanField(default=False, verbose_name="say that the letter does not confirm the principal, interest or fees"),
        ),
        migrations.AddField(
            model_name="complaint", name="borrower_occupation",
            field=models.CharField(blank=True, max_length=200, verbose_name="your occupation and employer"),
        ),
        migrations.AddField(
            model_name="complaint", name="witnesses",
            field=models.TextField(blank=True, verbose_name="witnesses: name and address, one per line"),
        ),
        migrations.AlterField(
            model_name='complaint',
            name='channel',
            field=models.CharField(choices=[('platform', 'Lending platform or bank'), ('regulator', 'Financial regulator (12378)'), ('local_finance', 'Local financial authority (small-loan companies)'), ('telecom', '12321 reporting centre (calls and SMS)'), ('nifa', 'Internet finance association (NIFA)'), ('black_cat', 'Black Cat complaints (public site)'), ('police', 'Police report'), ('court', 'Civil complaint (court)')], max_length=20, verbose_name='to whom'),
        ),
    ]
