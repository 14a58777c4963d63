"""What Django's makemigrations writes for the same change, with the one-off defaults it asks for."""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [('migbench', '0001_initial')]
    operations = [
        migrations.AddField(model_name='item', name='score', field=models.IntegerField(default=0), preserve_default=False),
        migrations.AlterField(model_name='item', name='value', field=models.IntegerField(default=0, db_index=True), preserve_default=False),
    ]
