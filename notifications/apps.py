from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Sits above the domain apps (it reads sessions, vault items, consents to remind about them)
    and below ``pilotage``; ``mds`` knows it only through the outbox task names."""

    name = "notifications"
    verbose_name = "Notifications et rappels"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orientations.services import on_reminder
        from rgpd.personal_data import register_personal_data

        from . import purges, reminders
        from .personal_data import CATEGORIES

        register_personal_data(*CATEGORIES)
        purges.register_all()
        # a referral marked reminded/escalated queues its e-mails in the marking transaction
        on_reminder(reminders.referral_waiting)
