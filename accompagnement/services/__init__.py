"""Writes of the accompagnement app that carry a rule, one module per idea (the same names as
``models/`` and the tests): :mod:`.sessions`, :mod:`.rules` (forbidden acts, droits connexes),
:mod:`.usagers`, :mod:`.ateliers`; :mod:`.common` holds the inputs and checks they share.

Every rule lives here once. Services are keyword-only and transactional; every write from a
submitted form is idempotent on its key through :func:`mds.idempotency.create_once` (a double
submit returns the row already saved; a key reused for other content is refused).
"""
