"""
Django's side of bench/migrate.ts: the same migration (add a NOT NULL field, make another NOT
NULL) on a SQLite table of ROWS rows, timed around `migrate`. Prints JSON: the samples in ms.

    python bench/django/migrate_bench.py WORKDIR ROWS ROUNDS
"""
import json
import os
import shutil
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
workdir, rows, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(workdir, exist_ok=True)
path = os.path.join(workdir, 'django.sqlite3')
base = os.path.join(workdir, 'django-base.sqlite3')

import django
from django.conf import settings

settings.configure(
    DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': path}},
    INSTALLED_APPS=['migbench'],
    USE_TZ=True,
    DEFAULT_AUTO_FIELD='django.db.models.BigAutoField',
)
django.setup()
from django.core.management import call_command
from django.db import connection

for suffix in ('', '-wal', '-shm'):
    if os.path.exists(path + suffix):
        os.remove(path + suffix)
call_command('migrate', 'migbench', '0001', verbosity=0)
connection.close()
raw = sqlite3.connect(path)
raw.execute(
    "insert into migbench_item (name, value, created_at) "
    "with recursive n(i) as (select 1 union all select i + 1 from n where i < ?) "
    "select 'item ' || i, case when i % 10 = 0 then null else i % 1000 end, '2026-01-01 00:00:00' from n",
    (rows,),
)
raw.commit()
raw.close()
shutil.copyfile(path, base)

samples = []
for _ in range(rounds):
    connection.close()
    shutil.copyfile(base, path)
    start = time.perf_counter()
    call_command('migrate', 'migbench', '0002', verbosity=0)
    samples.append((time.perf_counter() - start) * 1000)
    connection.close()
print(json.dumps({'django': django.get_version(), 'samples': samples}))
