from django.apps import AppConfig


class OrientationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orientations"
    verbose_name = "Orientations"

    def ready(self) -> None:
        # Reads of a referral are journaled through the rgpd journal like a person's file.
        from accompagnement.selectors import register_session_visibility
        from mds.home_pages import register_home_panel
        from rgpd.models import JournalAction
        from rgpd.personal_data import register_personal_data
        from rgpd.registry import register_read_action

        from .home import referral_panel
        from .personal_data import CATEGORIES
        from .selectors import sessions_visibility

        register_read_action(
            "orientations.Referral", action=JournalAction.VIEW_REFERRAL, target_type="referral"
        )
        # Home pages show the user's referral counts (mds learns of us by registration only).
        register_personal_data(*CATEGORIES)
        register_home_panel("orientations", referral_panel)
        # A social worker sees a person's sessions through a referral they accepted: the
        # sessions-visibility selector of accompagnement (below us) learns it by registration.
        register_session_visibility("orientations", sessions_visibility)
