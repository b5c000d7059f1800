"""Settings split: ``base`` (everything from the environment), ``dev``, ``test``, ``prod``."""
