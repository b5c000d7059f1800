"""Development settings: ``make run``. Debug on, console email."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)

# Reminders by SMS are printed in the console during development (see docs/jobs.md).
NOTIFICATION_BACKENDS = {
    "sms": env.str(
        "NOTIFICATION_SMS_BACKEND", default="notifications.backends.simple.ConsoleBackend"
    ),
    "email": env.str(
        "NOTIFICATION_EMAIL_BACKEND", default="notifications.backends.email.EmailBackend"
    ),
}
