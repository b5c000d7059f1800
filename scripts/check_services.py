"""Stop early, with a clear message, when the test services are unreachable."""

import os
import socket
import sys
from urllib.parse import urlparse


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def main() -> int:
    missing = []
    db = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if db.startswith("postgres") and not reachable(db, 5432):
        missing.append(f"PostgreSQL ({urlparse(db).hostname}:{urlparse(db).port or 5432})")
    if redis_url and not reachable(redis_url, 6379):
        missing.append(f"Redis ({urlparse(redis_url).hostname}:{urlparse(redis_url).port or 6379})")
    if missing:
        print(
            "Service(s) injoignable(s) : " + ", ".join(missing) + ".\n"
            "Démarrez-les (voir README, « Tests ») ou lancez ALLOW_SQLITE=1 make test "
            "pour une suite réduite sur SQLite.",
            file=sys.stderr,
        )
        return 2
    print("PostgreSQL et Redis répondent.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
