"""Reports' services: the weekly e-mail opt-in (the only write to reports' models), and
sending the weekly summaries."""

from .subscriptions import weekly_subscription_set  # noqa: F401
from .weekly import weekly_summaries_send  # noqa: F401
