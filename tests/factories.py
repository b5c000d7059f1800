"""factory_boy factories shared by every test package."""

from __future__ import annotations

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from mds.models import MDS, Membership, User
from mds.roles import DEPARTMENTAL_ROLES, MFA_REQUIRED_ROLES

PASSWORD = "Un-mot-de-passe-de-test-42"


class MDSFactory(factory.django.DjangoModelFactory[MDS]):
    class Meta:
        model = MDS
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"MDS Test {n}")
    code = factory.Sequence(lambda n: f"mds-{n}")
    address = "1 rue de la Solidarité, 13000 Marseille"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@mds.test.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    mds = factory.SubFactory(MDSFactory)
    role = "accueil"


def give_totp(user: User) -> str:
    """Activate a real TOTP authenticator for ``user``; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def make_member(
    role: str, mds: MDS | None, *, with_totp: bool = True, **user_fields: object
) -> User:
    """A user with ``role`` in ``mds`` (``None`` for departmental roles) through the service."""
    from mds.services import grant_membership

    user = UserFactory(**user_fields)
    grant_membership(user=user, role=role, mds=None if role in DEPARTMENTAL_ROLES else mds)
    if with_totp and role in MFA_REQUIRED_ROLES:
        give_totp(user)
    return user
