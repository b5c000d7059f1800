"""MDS Connectée project package: settings, users, MDS sites, roles and permissions, Celery app."""

from .celery import app as celery_app

__all__ = ("celery_app",)
