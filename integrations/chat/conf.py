"""Chat settings: a Django setting of the same name wins, then the environment (read at
call time, so tests can point Slack's Web API at a local receiver)."""

from datetime import timedelta

from monitoring.conf import _raw

# After a failed attempt, wait this long before the next; the message fails after the last.
# Chat is about now: a message hours late is noise, so a few quick retries only.
BACKOFF = (timedelta(seconds=5), timedelta(seconds=30), timedelta(minutes=2),
           timedelta(minutes=10))
MAX_ATTEMPTS = len(BACKOFF) + 1
USER_AGENT = "Tend-Chat/1"


def slack_api_url() -> str:
    """Base of Slack's Web API (TEND_SLACK_API_URL); chat.postMessage is under it."""
    return str(_raw("TEND_SLACK_API_URL", "https://slack.com/api")).rstrip("/")
