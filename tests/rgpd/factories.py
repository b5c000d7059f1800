"""Factories of the RGPD tests."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from rgpd.models import Secret, SecretKind
from tests.factories import MDSFactory, UserFactory


class SecretFactory(factory.django.DjangoModelFactory[Secret]):
    """A sealed secret; ``SecretFactory(plaintext="…")`` chooses its content."""

    class Meta:
        model = Secret
        skip_postgeneration_save = True

    kind = SecretKind.CREDENTIAL
    mds = factory.SubFactory(MDSFactory)
    created_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))

    @factory.post_generation
    def plaintext(
        obj: Secret, create: bool, extracted: str | bytes | None, **kwargs: object
    ) -> None:
        obj.seal(extracted if extracted is not None else "identifiant-caf:MotDePasse-42")
        if create:
            obj.save()
