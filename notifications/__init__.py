"""Notifications to people and staff: pluggable backends, receipts, reminders (issue 11)."""
