from __future__ import annotations

import uuid

import factory
from django.utils import timezone

from accueil.models import Motive, Passage, PassageEvent, Status
from tests.factories import MDSFactory


def motive(code: str = "mediation") -> Motive:
    return Motive.objects.get(code=code)


class PassageFactory(factory.django.DjangoModelFactory[Passage]):
    """A passage made directly (tests of reads); writes with rules go through services."""

    class Meta:
        model = Passage
        skip_postgeneration_save = True

    mds = factory.SubFactory(MDSFactory)
    arrived_at = factory.LazyFunction(timezone.now)
    day = factory.LazyAttribute(lambda o: timezone.localdate(o.arrived_at))
    ticket_number = factory.Sequence(lambda n: n + 1)
    motive = factory.LazyFunction(lambda: Motive.objects.get(code="mediation"))
    oriented_to = factory.LazyAttribute(lambda o: o.motive.routes_to)
    status = Status.WAITING
    client_token = factory.LazyFunction(uuid.uuid4)

    @factory.post_generation
    def _event(obj: Passage, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            PassageEvent.objects.create(passage=obj, to_status=obj.status, at=obj.arrived_at)
