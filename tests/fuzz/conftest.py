"""Fuzz campaigns over every decoder of outside bytes. ``make test`` runs a short one;
``make fuzz`` sets ``PYSEI_FUZZ_EXAMPLES`` for a long one."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("PYSEI_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 300,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
