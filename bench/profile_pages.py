"""Where a page spends its time, query by query (a development aid, not a benchmark).

Usage: DATABASE_URL=… ALLOWED_HOSTS=testserver bench/profile_pages.py URL [URL ...]
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.config.settings")
os.environ.setdefault("DEBUG", "1")


def main():
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from itsm.models import User
    from itsm.services.tokens import token_create

    user = User.objects.get(username=os.environ.get("AS_USER", "dee"))
    client = Client()
    client.force_login(user)
    token = token_create(actor=user, name="bench/profile_pages.py")[1]
    for url in sys.argv[1:]:
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if url.startswith("/api") else {}
        client.get(url, **headers)
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, **headers)
            total = (time.perf_counter() - start) * 1000
        db = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        print(f"{url}: total {total:.0f} ms, db {db:.0f} ms, "
              f"{len(ctx.captured_queries)} queries, HTTP {response.status_code}")
        for query in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:3]:
            print("   ", query["time"], query["sql"][:400])


if __name__ == "__main__":
    main()
