"""The same admins as bench/support/admin-server.ts registers in Trove."""
from django.contrib import admin

from .models import Author, Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "post", "author")
    search_fields = ("text",)
    list_per_page = 100

    def get_queryset(self, request):
        # Trove's Comment soft-deletes: its admin lists live rows, and so does this one.
        return super().get_queryset(request).filter(deleted_at__isnull=True)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "email")
    search_fields = ("name",)
    list_per_page = 100
