"""The schema of test/orm/query/differential/spec.ts, in Django."""
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=20)
    age = models.IntegerField(null=True)


class Tag(models.Model):
    name = models.CharField(max_length=20)
    weight = models.IntegerField()


class Post(models.Model):
    title = models.CharField(max_length=20)
    views = models.IntegerField()
    featured = models.BooleanField()
    author = models.ForeignKey(Author, models.CASCADE, related_name="posts")
    editor = models.ForeignKey(Author, models.SET_NULL, null=True, related_name="edited")
    createdAt = models.DateTimeField()
    tags = models.ManyToManyField(Tag, related_name="posts")


class Comment(models.Model):
    post = models.ForeignKey(Post, models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", models.CASCADE, null=True, related_name="replies")
    score = models.IntegerField(null=True)
