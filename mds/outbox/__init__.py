"""Transactional outbox (see ``services``): ``enqueue``, ``job``, ``sweep``, ``RetryLater``."""
