"""gunicorn settings; gunicorn reads this file from the project folder."""

import os

# One sync worker per core unless WEB_CONCURRENCY says otherwise. Filing and the desk
# are CPU-bound Python, and with PostgreSQL on the same machine more workers only take
# turns on the same cores: on 2 cores, 2 workers filed 10-25 % more tickets per second
# than 4 (README, Benchmarks). Raise it when the database runs elsewhere, or when long
# report pages should not hold up other requests.
workers = int(os.environ.get("WEB_CONCURRENCY") or len(os.sched_getaffinity(0)))
timeout = 60
