"""Accompagnement: usagers, mediation sessions, démarches, ateliers, follow-ups, referrals."""
