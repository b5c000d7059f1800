"""Accueil: check-in (passages), tickets, waiting list, calls, queue board."""
