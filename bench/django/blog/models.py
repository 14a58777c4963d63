"""The blog's tables as Trove creates them, described to Django without owning them."""
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)
    email = models.EmailField(unique=True)

    class Meta:
        managed = False
        db_table = "blog_author"

    def __str__(self):
        return self.name


class Post(models.Model):
    title = models.CharField(max_length=200)
    content = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=[("draft", "Draft"), ("published", "Published")])
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    created_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True)

    class Meta:
        managed = False
        db_table = "blog_post"

    def __str__(self):
        return self.title


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    author = models.ForeignKey(Author, on_delete=models.SET_NULL, null=True)
    text = models.TextField()
    deleted_at = models.DateTimeField(null=True)

    class Meta:
        managed = False
        db_table = "blog_comment"

    def __str__(self):
        return self.text if len(self.text) <= 40 else self.text[:39] + "\u2026"
