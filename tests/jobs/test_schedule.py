"""The schedule in code (mds/schedule.py) and ``setup_periodic_tasks``."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from mds import schedule
from mds.celery import app
from mds.models import MDS, OpeningPeriod


def _setup() -> str:
    out = StringIO()
    call_command("setup_periodic_tasks", stdout=out)
    return out.getvalue()


def test_every_scheduled_task_is_a_registered_task() -> None:
    app.loader.import_default_modules()
    registered = set(app.tasks)
    assert {entry.task for entry in schedule.SCHEDULE} <= registered
    assert "accueil.close_day" in registered


@pytest.mark.django_db
def test_setup_writes_the_schedule_and_is_rerunnable(mds_a: MDS) -> None:
    output = _setup()
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert {entry.name for entry in schedule.SCHEDULE} <= names
    assert "créée" in output
    sweep = PeriodicTask.objects.get(name="mds:outbox-sweep")
    assert (sweep.task, sweep.interval.every) == ("mds.outbox.sweep", 60)
    count = PeriodicTask.objects.count()
    assert "0 créée(s), 0 mise(s) à jour, 0 supprimée(s)" in _setup()
    assert PeriodicTask.objects.count() == count


@pytest.mark.django_db
def test_setup_removes_what_the_module_no_longer_lists_and_keeps_hand_made_entries(
    mds_a: MDS,
) -> None:
    _setup()
    PeriodicTask.objects.create(
        name="mds:retired-job", task="mds.ping", interval=PeriodicTask.objects.first().interval
    )  # type: ignore[union-attr]
    PeriodicTask.objects.create(
        name="made by hand", task="mds.ping", interval=PeriodicTask.objects.first().interval
    )  # type: ignore[union-attr]
    output = _setup()
    assert "mds:retired-job : supprimée" in output
    assert not PeriodicTask.objects.filter(name="mds:retired-job").exists()
    assert PeriodicTask.objects.filter(name="made by hand").exists()


@pytest.mark.django_db
def test_a_changed_default_is_updated_in_place(mds_a: MDS) -> None:
    _setup()
    PeriodicTask.objects.filter(name="mds:rotate-journal").update(task="wrong.task")
    assert "mds:rotate-journal : mise à jour" in _setup()
    assert PeriodicTask.objects.get(name="mds:rotate-journal").task == "rgpd.rotate_journal"


@pytest.mark.django_db
def test_each_mds_closes_its_day_at_its_own_closing_time(mds_a: MDS, mds_b: MDS) -> None:
    OpeningPeriod.objects.filter(mds__in=[mds_a, mds_b]).delete()
    for weekday in range(5):  # A: Mon-Fri 8:30-12:00 and 13:30-17:00
        OpeningPeriod.objects.create(
            mds=mds_a, weekday=weekday, opens_at=dt.time(8, 30), closes_at=dt.time(12)
        )
        OpeningPeriod.objects.create(
            mds=mds_a, weekday=weekday, opens_at=dt.time(13, 30), closes_at=dt.time(17)
        )
    OpeningPeriod.objects.create(  # B: Mondays until 18:00, Saturdays until 12:00
        mds=mds_b, weekday=0, opens_at=dt.time(9), closes_at=dt.time(18)
    )
    OpeningPeriod.objects.create(mds=mds_b, weekday=5, opens_at=dt.time(9), closes_at=dt.time(12))
    _setup()
    closes = {
        task.name: task
        for task in PeriodicTask.objects.filter(task="accueil.close_day").select_related("crontab")
    }
    a = closes["mds:close-day:mds-a:1730"]
    assert (a.crontab.hour, a.crontab.minute, a.crontab.day_of_week) == ("17", "30", "1,2,3,4,5")
    assert json.loads(a.kwargs) == {"mds_id": mds_a.pk}
    assert closes["mds:close-day:mds-b:1830"].crontab.day_of_week == "1"
    assert closes["mds:close-day:mds-b:1230"].crontab.day_of_week == "6"
    assert str(a.crontab.timezone) == "Europe/Paris"
    assert len([name for name in closes if "mds-a" in name]) == 1


@pytest.mark.django_db(transaction=True)
def test_changing_opening_hours_rewrites_that_mds_close(mds_a: MDS) -> None:
    OpeningPeriod.objects.filter(mds=mds_a).delete()
    OpeningPeriod.objects.create(mds=mds_a, weekday=2, opens_at=dt.time(9), closes_at=dt.time(16))
    assert PeriodicTask.objects.filter(name="mds:close-day:mds-a:1630").exists()
    OpeningPeriod.objects.filter(mds=mds_a).update(closes_at=dt.time(15))
    OpeningPeriod.objects.get(mds=mds_a).save()
    assert PeriodicTask.objects.filter(name="mds:close-day:mds-a:1530").exists()
    assert not PeriodicTask.objects.filter(name="mds:close-day:mds-a:1630").exists()


@pytest.mark.django_db
def test_an_mds_without_opening_hours_closes_at_the_default_time(mds_a: MDS) -> None:
    OpeningPeriod.objects.filter(mds=mds_a).delete()
    _setup()
    task = PeriodicTask.objects.get(name__startswith="mds:close-day:mds-a:")
    assert (task.crontab.hour, task.crontab.minute) == ("19", "0")
