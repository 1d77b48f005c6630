"""seed_monitoring: demo checks whose history is replayed through the real pipeline, once."""

import io

from django.core.management import call_command

from monitoring.models import Check, CheckRollup, CheckStateChange


def test_the_demo_seed_makes_checks_with_history_once(db, team, service, settings):
    call_command("seed_monitoring", days=1, stdout=io.StringIO())
    call_command("seed_monitoring", days=1, stdout=io.StringIO())
    assert Check.objects.count() == 5
    assert CheckRollup.objects.exists()
    assert CheckStateChange.objects.filter(to_state="down").exists()
