"""Documentation generated from code stays in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from tongban.cli import app as cli
from tongban.config import settings_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_settings_reference_is_generated_from_the_settings_class() -> None:
    written = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert written == settings_markdown(), "run: .venv/bin/tongban settings > docs/settings.md"


def test_the_readme_where_to_go_table_names_pages_documents_and_commands_that_exist(
    client: TestClient,
) -> None:
    """Every page, document and command the README's "Where to go" table names exists
    (a page that needs a sign-in answers, but not 404)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Where to go once it runs")[1].split("\n## ")[0]
    named = re.findall(r"`([^`\s]+)`", table)
    paths = {n.split("?")[0] for n in named if n.startswith("/")}
    assert {"/halls", "/progress", "/staff/queue", "/my/authorisations", "/finance"} <= paths
    for path in paths:
        assert client.get(path, follow_redirects=False).status_code != 404, path
    for document in (n for n in named if n.startswith("docs/")):
        assert (ROOT / document).is_file(), document
    groups = {group.name for group in cli.registered_groups}
    for command in re.findall(r"`tongban (\w[\w-]*)", table):
        assert command in groups, command
