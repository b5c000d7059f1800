"""Users, MDS sites, opening hours and memberships (a user's role in an MDS)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import DEPARTMENTAL_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)  # None gives an unusable password: set later by invitation
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A professional of the Département. People helped are *usagers*, never users."""

    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("accès à l'administration"),
        default=False,
        help_text=_(
            "Nécessaire, avec le rôle administrateur ou DPO, pour ouvrir l'administration."
        ),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("date de création"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ("last_name", "first_name", "email")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


def _new_board_token() -> str:
    import secrets

    return secrets.token_urlsafe(16)


class MDS(models.Model):
    """A Maison Départementale de la Solidarité."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    address = models.TextField(_("adresse"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    idle_logout_minutes = models.PositiveSmallIntegerField(
        _("déconnexion de la tablette après (minutes d'inactivité)"),
        default=10,
        help_text=_("La tablette partagée de l'accueil se déconnecte seule après ce délai."),
    )
    board_token = models.CharField(
        _("jeton de l'écran d'appel"),
        max_length=40,
        unique=True,
        default=_new_board_token,
        help_text=_("Partie secrète de l'adresse de l'écran de la salle d'attente."),
    )

    class Meta:
        verbose_name = _("MDS")
        verbose_name_plural = _("MDS")
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=Q(idle_logout_minutes__gte=1, idle_logout_minutes__lte=240),
                name="mds_idle_logout_range",
                violation_error_message=_("Le délai d'inactivité va de 1 à 240 minutes."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class OpeningPeriod(models.Model):
    """One opening period of an MDS on a weekday (a day may have a morning and an afternoon)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("lundi")
        TUESDAY = 1, _("mardi")
        WEDNESDAY = 2, _("mercredi")
        THURSDAY = 3, _("jeudi")
        FRIDAY = 4, _("vendredi")
        SATURDAY = 5, _("samedi")
        SUNDAY = 6, _("dimanche")

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="opening_periods")
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    opens_at = models.TimeField(_("ouverture"))
    closes_at = models.TimeField(_("fermeture"))

    class Meta:
        verbose_name = _("horaire d'ouverture")
        verbose_name_plural = _("horaires d'ouverture")
        ordering = ("mds", "weekday", "opens_at")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="opening_period_closes_after_opening",
                violation_error_message=_("La fermeture doit suivre l'ouverture."),
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="opening_period_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Membership(models.Model):
    """A user's role in an MDS, or in the whole Département for departmental roles."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    mds = models.ForeignKey(
        MDS,
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        help_text=_("Vide pour les rôles départementaux (direction départementale, admin, DPO)."),
    )
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        ordering = ("user", "role")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "mds", "role"],
                name="membership_unique_per_site",
                violation_error_message=_("Ce rattachement existe déjà."),
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(mds__isnull=True),
                name="membership_unique_departmental",
                violation_error_message=_("Ce rôle départemental est déjà attribué."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(DEPARTMENTAL_ROLES), mds__isnull=True)
                    | (~Q(role__in=sorted(DEPARTMENTAL_ROLES)) & Q(mds__isnull=False))
                ),
                name="membership_mds_matches_role_scope",
                violation_error_message=_(
                    "Un rôle départemental n'a pas de MDS ; les autres rôles en exigent une."
                ),
            ),
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="membership_user_active")]

    def __str__(self) -> str:
        where = self.mds.name if self.mds else _("Département")
        return f"{self.user} — {self.get_role_display()} ({where})"


class ReferenceItem(models.Model):
    """A row of a list the admin edits: stable code (used by code and exports), label, order.

    Every reference list of the apps (motives, languages, organismes, kinds of help, consent
    purposes…) has this shape; rows are deactivated, never deleted, so history keeps its meaning.
    """

    code = models.SlugField(
        _("code"),
        max_length=50,
        unique=True,
        help_text=_("Identifiant stable utilisé par le code et les exports ; ne pas le modifier."),
    )
    label = models.CharField(_("libellé"), max_length=150)
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=100)
    is_active = models.BooleanField(
        _("proposé"),
        default=True,
        help_text=_("Décocher pour ne plus le proposer sans perdre l'historique."),
    )

    class Meta:
        abstract = True
        ordering = ("position", "label")

    def __str__(self) -> str:
        return self.label


# The outbox and the purge runs live in their own packages; Django finds models through these.
from .jobs.models import PurgeRun  # noqa: E402, F401
from .outbox.models import OutboxMessage, OutboxStatus  # noqa: E402, F401
