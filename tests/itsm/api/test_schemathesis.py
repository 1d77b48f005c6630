"""schemathesis (`--checks all`) over the whole API, as a DSE and as an end user.

The schema must say what the API really does: every status it answers, every shape it
returns, and it must take what it calls valid and refuse what it calls invalid. A real
server (gunicorn, as in production: the development server behind live_server takes some
45 ms for any request on a kept-alive connection, which would make a run take minutes)
runs on seeded data in the test database, so ids in paths exist; `st run` is a subprocess
reading schemathesis.toml (fixed seed, bounded examples, the business rules it cannot
know), and any failure fails the test with schemathesis' own report. Both personas
together take about 100 s on two cores.

Destructive calls: the runs delete what they find (checks, plans, windows), which only
turns later reads of those ids into documented 404s; revoking the token would turn
everything after it into 401s, so that one call runs with a spare account's token of the
same role (schemathesis.toml). Each persona starts from a fresh database, so the DSE's
deletions never reach the end user's run.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from capacity.samples import parse_json_samples
from capacity.services.ingest import samples_ingest
from itsm.services import tokens
from knowledge import services as knowledge_services
from knowledge.models import Article
from maintenance import services as maintenance_services
from maintenance.services.inventory import PendingAdvisory, inventory_apply
from monitoring import services as monitoring_services
from problems.services import problem_create
from problems.services.detection import problems_detect
from tests.factories import (
    AssetFactory,
    CategoryFactory,
    ServiceFactory,
    TeamFactory,
    UserFactory,
    make_ticket,
)
from tests.maintenance.conftest import make_plan
from tests.waiting import wait_for
from tickets import services as ticket_services
from tickets.models import Status

ROOT = Path(__file__).resolve().parents[3]
CONFIG = ROOT / "schemathesis.toml"
ST = Path(sys.executable).with_name("st")
TIMEOUT = 300  # seconds per `st run`: several times a normal run, so only a hang hits it

# Operations each role may not use answer 403 before they read any input: a few examples
# show that the 403 is documented, and the time goes to what the role can do. A name
# missing here is only explored in depth for nothing; one wrongly here still gets checked.
FORBIDDEN = {
    "dse": r"^((POST|PUT|PATCH|DELETE) /api/v1/(calendars|sla-policies|escalation-rules)/"
           r"|GET /api/v1/reports/)",
    "end_user": r"^[A-Z]+ /api/v1/(checks|availability|maintenance|patches|assets|calendars"
                r"|sla-policies|escalation-rules|reports|teams|problems|capacity)/",
}
SHALLOW = ("--phases", "examples,fuzzing", "--max-examples", "3")

pytestmark = [pytest.mark.postgres,
              pytest.mark.django_db(transaction=True, reset_sequences=True,
                                    serialized_rollback=True)]


def seed() -> dict:
    """What the runs need, made through the services: persona → (token, spare token).

    reset_sequences makes the ids small and fixed: asset 1 is the schema's example for
    POST /assets/{id}/inventory/, which no other operation hands out.
    """
    team = TeamFactory(name="Service Desk")
    service = ServiceFactory(name="Email", owner_team=team)
    category = CategoryFactory(name="Hardware", default_team=team)
    dse = UserFactory(username="dse", role="DSE")
    team.members.add(dse)
    user = UserFactory(username="enduser", role="End user")
    spare = {"dse": UserFactory(username="dse2", role="DSE"),
             "end_user": UserFactory(username="enduser2", role="End user")}
    asset = AssetFactory(name="mail-01", service=service)
    for n in range(3):
        make_ticket(user, title=f"Printer {n} jams", category=category, service=service)
    resolved = make_ticket(user, title="VPN drops", service=service)
    for status in (Status.IN_PROGRESS, Status.RESOLVED):
        ticket_services.ticket_transition(ticket=resolved, actor=dse, to=status)
    monitoring_services.check_create(actor=dse, kind="tcp", name="DB port",
                                     target="127.0.0.1:9", service=service, paused=True)
    plan = make_plan(dse, team=team, assets=[asset], at=timezone.now())
    maintenance_services.occurrence_skip(plan=plan, actor=dse, reason="Holiday",
                                         scheduled_for=plan.schedule().preview(
                                             timezone.now(), 1)[0])
    inventory_apply(asset=asset, actor=dse, pending=[PendingAdvisory(
        identifier="DSA-5555-1", title="openssl", severity="high",
        released_on=timezone.localdate() - timedelta(days=3), cvss=None, cve_ids=[],
        package="openssl", fixed_version="3.0.1", url="")])
    # Articles 1 (for customers, validated) and 2 (an internal draft), so /kb/ ids exist
    # and the end user's run meets both one it may read and one it may not.
    for title, audience, confidence in (("VPN drops every few minutes", "customers",
                                         "validated"),
                                        ("RADIUS group after directory sync", "internal",
                                         "draft")):
        article = knowledge_services.article_create(actor=dse, article=Article(
            title=title, symptoms="The VPN disconnects.", resolution="Update the client.",
            audience=audience, confidence=confidence, category=category), services=[service])
        knowledge_services.article_link_ticket(actor=dse, article=article, ticket=resolved)
    # A problem with an incident, a recurrence proposal (the printer tickets cluster) and a
    # series of the asset, so /problems/ and /assets/{id}/series/ ids exist.
    problem_create(actor=dse, title="VPN concentrator drops sessions", team=team,
                   service=service, incidents=[resolved])
    problems_detect()
    samples_ingest(asset=asset, samples=parse_json_samples({"samples": [
        {"series": "fs_used", "name": "/", "t": (timezone.now() - timedelta(minutes=m)).isoformat(),
         "v": 40e9 + m} for m in range(10)]}, now=timezone.now()))
    return {persona: (tokens.token_obtain(actor=who)[1],
                      tokens.token_obtain(actor=spare[persona])[1])
            for persona, who in (("dse", dse), ("end_user", user))}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(postgres, tmp_path):
    """gunicorn on a free port, reading the committed test database; its URL."""
    port, db = _free_port(), connection.settings_dict
    login = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
           "TEND_TEST_MEDIA": str(tmp_path / "media"),
           "DATABASE_URL": f"postgres://{login}@{db['HOST'] or '127.0.0.1'}:"
                           f"{db['PORT'] or 5432}/{db['NAME']}"}
    log = tmp_path / "gunicorn.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "itsm.config.wsgi", "--bind",
             f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def answers():
        try:
            urllib.request.urlopen(f"{url}/api/schema/", timeout=1)  # noqa: S310
        except urllib.error.HTTPError:
            return True  # a 401 JSON: it is up
        except OSError:
            assert process.poll() is None, log.read_text()
            return False
        return True

    try:
        wait_for(answers, seconds=30)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def st_run(url: str, token: str, spare: str, *options: str) -> tuple[int, str, float]:
    command = [str(ST), "--config-file", str(CONFIG), "run", f"{url}/api/schema/",
               "--checks", "all", "--no-color", "-H", f"Authorization: Token {token}",
               *options]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=TIMEOUT,
                          env={**os.environ, "TEND_SPARE_TOKEN": spare})
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


@pytest.mark.parametrize("persona", ["dse", "end_user"])
def test_schemathesis_finds_nothing_wrong(server, persona):
    token, spare = seed()[persona]
    forbidden = FORBIDDEN[persona]
    runs = {"what the role may use": ("--exclude-name-regex", forbidden),
            "what it may not": ("--include-name-regex", forbidden, *SHALLOW)}
    failures, took = [], []
    for name, options in runs.items():
        code, output, seconds = st_run(server, token, spare, *options)
        took.append(f"{name}: {seconds:.0f} s")
        if code:
            failures.append(f"schemathesis as {persona}, {name} ({seconds:.0f} s):\n{output}")
    print(f"schemathesis as {persona}:", ", ".join(took))
    assert not failures, "\n\n".join(failures)
