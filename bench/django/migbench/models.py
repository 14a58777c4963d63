"""The table bench/migrate.ts changes, as Django models it (after migration 0002)."""
from django.db import models


class Item(models.Model):
    name = models.CharField(max_length=40, unique=True)
    value = models.IntegerField(db_index=True)
    created_at = models.DateTimeField()
    score = models.IntegerField()
