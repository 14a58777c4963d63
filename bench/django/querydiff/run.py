"""Runs the cases of bench/query-diff.ts on Django: reads a JSON file of cases (rows and, for each
queryset, its Django code and how to read its result), prints one JSON result per queryset, in order.

    python run.py cases.json
"""
import datetime
import decimal
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "querydiff.settings")
try:
    import psycopg2  # noqa: F401
except ImportError:
    # Debian's python3-psycopg2 and python3-mysqldb, when the virtualenv has no driver of its own.
    sys.path.append("/usr/lib/python3/dist-packages")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Avg, Count, F, Max, Min, Q, Sum, Value  # noqa: E402,F401

from querydiff.models import Author, Comment, Post, Tag  # noqa: E402

MODELS = [Author, Tag, Post, Comment, Post.tags.through]


def dt(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def create_tables():
    existing = connection.introspection.table_names()
    with connection.schema_editor() as editor:
        for model in reversed(MODELS):
            if model._meta.db_table in existing:
                editor.execute(f"DROP TABLE {editor.quote_name(model._meta.db_table)}" + (" CASCADE" if connection.vendor == "postgresql" else ""))
        # Post's table comes with its many-to-many table.
        for model in MODELS[:-1]:
            editor.create_model(model)


def load(data):
    for model in reversed(MODELS):
        model.objects.all()._raw_delete(model.objects.db)
    Author.objects.bulk_create([Author(id=a["id"], name=a["name"], age=a["age"]) for a in data["authors"]])
    Tag.objects.bulk_create([Tag(id=t["id"], name=t["name"], weight=t["weight"]) for t in data["tags"]])
    Post.objects.bulk_create([
        Post(id=p["id"], title=p["title"], views=p["views"], featured=p["featured"], author_id=p["authorId"], editor_id=p["editorId"], createdAt=dt(p["createdAt"]))
        for p in data["posts"]
    ])
    Comment.objects.bulk_create([Comment(id=c["id"], post_id=c["postId"], parent_id=None, score=c["score"]) for c in data["comments"]])
    for c in data["comments"]:
        if c["parentId"] is not None:
            Comment.objects.filter(id=c["id"]).update(parent_id=c["parentId"])
    Post.tags.through.objects.bulk_create([Post.tags.through(post_id=p, tag_id=t) for p, t in data["postTags"]])


def value(v, average=False):
    if v is None:
        return None
    if isinstance(v, datetime.datetime):
        return v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, decimal.Decimal):
        v = float(v)
    if average:
        return math.floor(float(v) * 100 + 0.5) / 100
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def row(obj, query):
    averages = set(query["averages"])
    shape = query["shape"]
    if shape == "model":
        out = {"id": obj.id}
        for name in query["annotations"]:
            out[name] = value(getattr(obj, name), name in averages)
        return out
    if shape == "object":
        return {k: value(v, k in averages) for k, v in obj.items()}
    if shape == "list":
        return [value(v) for v in obj]
    return value(obj)


def run(query):
    try:
        with transaction.atomic():
            result = eval(query["code"])
        if query["terminal"] == "value":
            if isinstance(result, dict):
                return {"kind": "value", "value": {k: value(v, k in query["averages"]) for k, v in result.items()}}
            return {"kind": "value", "value": result}
        if query["terminal"] == "one":
            return {"kind": "rows", "ordered": True, "rows": [] if result is None else [row(result, query)]}
        return {"kind": "rows", "ordered": True, "rows": [row(r, query) for r in result]}
    except Exception as error:  # noqa: BLE001
        return {"kind": "error", "message": f"{type(error).__name__}: {error}".strip()}


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    create_tables()
    for case in cases:
        with transaction.atomic():
            load(case["data"])
        for query in case["queries"]:
            print(json.dumps(run(query)), flush=True)


if __name__ == "__main__":
    main()
