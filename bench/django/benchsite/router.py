class BlogRouter:
    """The blog's models read and write the shared blog database; everything else Django's own."""

    def db_for_read(self, model, **hints):
        return "blog" if model._meta.app_label == "blog" else "default"

    db_for_write = db_for_read

    def allow_relation(self, a, b, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == "default" and app_label != "blog"
