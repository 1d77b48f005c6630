"""Knowledge base benchmark: suggestions while filing and the help centre's search.

Makes sure the database holds --articles bench articles (COPY, seeded and deterministic:
the 32 labelled articles of tests/knowledge/fixtures plus distractors built from their
sentences, so common words such as "Outlook" or "VPN" match hundreds of articles) and
--tickets scale tickets (`seed_demo --tickets N`, which also makes the demo people), then
times through gunicorn, over every labelled query in turn (median and p95 of sequential
requests after a warm-up round):
- GET /api/v1/kb/suggest/?q=… (what the portal shows) as an end user, anonymous, and with
  a service; target < 50 ms median;
- the portal's htmx suggestions (GET /help/suggest/?title=…) as an end user;
- GET /help/?q=… (the help centre's search page) as an end user and anonymous;
  target < 100 ms median.
It also prints recall@5 of the labelled queries among all those distractors.

Usage: bench/knowledge.py [--articles 10000] [--tickets 0] [--rounds 3] [--rebuild]
Needs DATABASE_URL=postgres://… and REDIS_URL; see bench/README.md.
"""

import argparse
import http.client
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: gunicorn, sessions, timing)

BENCH_USER = "kb-bench"  # created_by of every bench article, so --rebuild finds them
AUDIENCES = ["internal"] * 3 + ["customers"] * 5 + ["public"] * 2
CONFIDENCES = ["validated"] * 6 + ["not_validated"] * 2 + ["draft", "archived"]
PROBLEMS = ["fails after the update", "is slow in the morning", "shows an error",
            "cannot be reached", "asks for a password again", "stops syncing",
            "crashes on start", "does not print", "drops the connection",
            "shows a blank screen", "rejects my login", "is missing from the menu"]


def seed_tickets(count: int) -> None:
    env = dict(os.environ, DEBUG="1", TEND_DEMO="1")
    args = [sys.executable, "manage.py", "seed_demo", "--demo-tickets", "0", "-v0"]
    if count:
        args += ["--tickets", str(count)]
    subprocess.run(args, cwd=run.ROOT, env=env, check=True)


def _sentences(text: str) -> list[str]:
    return [s.strip() + "." for s in text.replace("\n", " ").split(". ") if len(s) > 20]


def _distractors(rng: random.Random, count: int, labelled: dict) -> list[dict]:
    sentences = [s for a in labelled.values() for f in ("symptoms", "cause", "resolution")
                 for s in _sentences(a[f])]
    subjects = [a["title"].split(" ")[0] for a in labelled.values()]
    subjects += ["Teams", "SAP", "Citrix", "OneDrive", "VPN", "Printer", "Laptop", "Wi-Fi"]
    rows = []
    for n in range(count):
        title = f"{rng.choice(subjects)} {rng.choice(PROBLEMS)} ({n})"
        rows.append({"title": title,
                     "symptoms": " ".join(rng.sample(sentences, 2)),
                     "cause": rng.choice(sentences),
                     "resolution": " ".join(rng.sample(sentences, 3)) +
                     f" See host app{n % 500:03d}.corp.example, error 0x8007{n % 9999:04x}.",
                     "audience": rng.choice(AUDIENCES), "confidence": rng.choice(CONFIDENCES)})
    return rows


def _copy_field(value) -> str:
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n")


def build_articles(count: int, rebuild: bool) -> None:
    from django.db import connection, transaction

    from itsm.models import Service, User
    from knowledge import text
    from knowledge.models import Article
    from tests.knowledge.fixtures.articles import ARTICLES

    bench_user, _ = User.objects.get_or_create(username=BENCH_USER,
                                               defaults={"first_name": "KB bench"})
    mine = Article.objects.filter(created_by=bench_user)
    if rebuild:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM knowledge_article WHERE created_by_id = %s",
                           [bench_user.pk])
    have = mine.count()
    if have >= count:
        print(f"bench articles: {have:,} (reused)")
        return
    rng = random.Random(14)  # noqa: S311 - benchmark data, reproducible on purpose
    labelled = [dict(a, audience="public", confidence="validated") for a in ARTICLES.values()]
    rows = (labelled + _distractors(rng, max(count, len(labelled)) - len(labelled), ARTICLES))
    rows = rows[have:count] if have else rows[:count]
    services = list(Service.objects.values_list("pk", flat=True))
    columns = ("title", "symptoms", "cause", "resolution", "audience", "confidence",
               "asset_kinds", "version", "created_by_id", "created_at", "updated_at", "codes")
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        buffer = io.StringIO()
        now = "2026-01-01T00:00:00+00:00"
        for row in rows:
            codes = " ".join(text.codes(row["title"], row["symptoms"], row["cause"],
                                        row["resolution"]))
            values = [row["title"], row["symptoms"], row["cause"], row["resolution"],
                      row["audience"], row["confidence"], "[]", 1, bench_user.pk, now, now,
                      codes]
            buffer.write("\t".join(_copy_field(v) for v in values) + "\n")
        buffer.seek(0)
        # The row trigger of migration 0002 fills each article's search vector.
        cursor.copy_expert(f"COPY knowledge_article ({', '.join(columns)}) FROM STDIN", buffer)
        if services:  # a third of the distractors belong to one service
            cursor.execute("SELECT id FROM knowledge_article WHERE created_by_id = %s "
                           "AND title LIKE '%%(%%)' ORDER BY id", [bench_user.pk])
            links = io.StringIO()
            for (pk,) in cursor.fetchall():
                if pk % 3 == 0:
                    links.write(f"{pk}\t{services[pk % len(services)]}\n")
            links.seek(0)
            cursor.copy_expert("COPY knowledge_article_services (article_id, service_id) "
                               "FROM STDIN", links)
        cursor.execute("ANALYZE knowledge_article, knowledge_article_services")
    print(f"bench articles: added {len(rows):,} in {time.monotonic() - started:.1f} s "
          f"({mine.count():,} in all)")


def timed(paths: list[str], headers: dict, rounds: int) -> tuple[float, float, list]:
    conn = http.client.HTTPConnection(run.HOST, run.PORT, timeout=30)
    samples, bodies = [], []
    for n in range(rounds + 1):
        for path in paths:
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - start) * 1000
            if response.status != 200:
                raise SystemExit(f"{path}: HTTP {response.status}")
            if n == 0:
                bodies.append(body)  # the warm-up round's answers, for recall
            else:
                samples.append(elapsed)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], bodies


def recall_at_5(bodies: list[bytes], expected: list[str]) -> float:
    from knowledge.models import Article
    from tests.knowledge.fixtures.articles import ARTICLES

    ids = dict(Article.objects.filter(created_by__username=BENCH_USER,
                                      title__in=[a["title"] for a in ARTICLES.values()])
               .values_list("title", "pk"))
    found = sum(ids.get(ARTICLES[key]["title"]) in [r["id"] for r in json.loads(b)["results"]]
                for b, key in zip(bodies, expected, strict=True))
    return found / len(expected)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--tickets", type=int, default=0,
                        help="scale tickets to make sure of (seed_demo --tickets)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds over the queries")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--rebuild", action="store_true", help="drop the bench articles first")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a Postgres database (bench/README.md)")
    seed_tickets(args.tickets)
    run.django_setup()
    from itsm.models import Service
    from knowledge.models import Article
    from tests.knowledge.fixtures.queries import QUERIES
    from tickets.models import Ticket

    build_articles(args.articles, args.rebuild)
    print(f"articles in database: {Article.objects.count():,}; "
          f"tickets: {Ticket.objects.count():,}")
    queries = [quote(q) for q, _key, _kind in QUERIES]
    service = Service.objects.order_by("pk").values_list("pk", flat=True).first()
    user, anonymous = {"Cookie": run.session_cookie("alice")}, {}
    cases = [
        ("suggest API, end user", "/api/v1/kb/suggest/?q={}", user, 50),
        ("suggest API, anonymous", "/api/v1/kb/suggest/?q={}", anonymous, 50),
        (f"suggest API, service={service}", f"/api/v1/kb/suggest/?service={service}&q={{}}",
         user, 50),
        ("portal suggestions (htmx), end user", "/help/suggest/?title={}", user, 50),
        ("help centre search, end user", "/help/?q={}", user, 100),
        ("help centre search, anonymous", "/help/?q={}", anonymous, 100),
    ]
    run.PORT = 8097  # not bench/run.py's port, so both can run
    proc = run.start_gunicorn(args.workers)
    try:
        print(f"{len(queries)} labelled queries × {args.rounds} rounds, sequential, gunicorn "
              f"-w {args.workers or 'per gunicorn.conf.py'}:")
        for label, pattern, headers, target in cases:
            median, p95, bodies = timed([pattern.format(q) for q in queries], headers,
                                        args.rounds)
            verdict = "ok" if median < target else f"MISSES < {target} ms"
            print(f"  {label:<38} median {median:6.1f} ms   p95 {p95:6.1f} ms   {verdict}")
            if label == "suggest API, end user":
                recall = recall_at_5(bodies, [key for _q, key, _kind in QUERIES])
                print(f"    recall@5 of the labelled queries among the distractors: {recall:.2f}")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
