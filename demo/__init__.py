"""Demo data for ``make run`` and the browser tests (see :mod:`demo.seed`)."""
