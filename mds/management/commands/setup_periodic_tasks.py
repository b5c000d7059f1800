"""Write the periodic jobs of ``mds/schedule.py`` into django-celery-beat (rerunnable)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mds import schedule


class Command(BaseCommand):
    help = "Écrit la planification des tâches de fond (mds/schedule.py) dans celery beat."

    def handle(self, *args: Any, **options: Any) -> None:
        report = schedule.sync()
        for label, names in (
            ("créée", report.created),
            ("mise à jour", report.updated),
            ("supprimée", report.removed),
        ):
            for name in names:
                self.stdout.write(f"{name} : {label}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Planification : {len(report.created)} créée(s), {len(report.updated)} mise(s) "
                f"à jour, {len(report.removed)} supprimée(s), {len(report.unchanged)} inchangée(s)."
            )
        )
