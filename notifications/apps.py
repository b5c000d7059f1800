from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Sits above the domain apps (it reads sessions, vault items, consents to remind about them)
    and below ``pilotage``; ``mds`` knows it only through the outbox task names."""

    name = "notifications"
    verbose_name = "Notifications et rappels"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import purges

        purges.register_all()
