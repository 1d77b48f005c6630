"""`python -m tend_agent …`, the same as the `tend-agent` script."""

import sys

from tend_agent.cli import main

sys.exit(main())
