"""The long form of the security and reliability suites: many more fuzz examples per
operation and role (60), parallel approvals (20), server kills (25) and cases driven
through random actions (25 企业开办, 10 of each other item) than ``make test`` runs;
prints the same figure lines (copy them into docs/security.md).

    python bench/security.py            # on SQLite
    TONGBAN_TEST_DATABASE_URL=postgresql+psycopg://… python bench/security.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES = [
    "tests/security",
    "tests/reliability",
    "tests/audit/test_chain.py",
    "tests/cases/test_races.py",
    "tests/cases/test_case_properties.py",
    "tests/web/test_idempotency.py",
    "tests/notifications/test_smtp_down.py",
    "tests/test_migrations.py",
]


def main() -> int:
    env = {**os.environ, "TONGBAN_LONG_SUITES": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SUITES]
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    raise SystemExit(main())
