"""``python -m tongban.cli``."""

from tongban.cli import app

app()
