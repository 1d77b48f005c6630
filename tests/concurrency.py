"""Running the same job in two threads at once, each with its own database connection."""

import threading

from django.db import connection


def at_once(job, times: int = 2) -> tuple[list, list]:
    """Start `times` threads running `job()`; returns (results, errors) once all end."""
    results, errors = [], []

    def run():
        try:
            results.append(job())
        except Exception as exc:  # handed back to the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors
