"""Production refuses to start without the master key of personal data, in one line;
development uses a fixed key and says so; masking keeps four digits at each end."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tongban.cli import app
from tongban.config import get_settings
from tongban.pii.service import mask_address, mask_id, mask_phone, mask_text

runner = CliRunner()


@pytest.mark.parametrize("missing", ["TONGBAN_DATA_KEY", "TONGBAN_LOOKUP_KEY"])
def test_production_refuses_to_start_without_its_keys_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, missing: str
) -> None:
    monkeypatch.setenv("TONGBAN_ENVIRONMENT", "production")
    monkeypatch.setenv("TONGBAN_SECRET_KEY", "a-real-secret-of-enough-length-0123456789")
    monkeypatch.setenv("TONGBAN_DATA_KEY", "a-real-master-key-of-enough-length-012345")
    monkeypatch.setenv("TONGBAN_LOOKUP_KEY", "a-real-lookup-key-of-enough-length-012345")
    monkeypatch.delenv(missing)
    monkeypatch.setenv("TONGBAN_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite3")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["migrate"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert missing in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_masks() -> None:
    assert mask_id("350102196204180310") == "3501**********0310"
    assert mask_phone("13800000001") == "138****0001"
    assert mask_address("福州市鼓楼区五四路158号") == "福州市鼓楼区****"
    text = "申请人 350102196204180310（电话 13800000001）编号 20250922000001234"
    assert mask_text(text) == "申请人 3501**********0310（电话 138****0001）编号 20250922000001234"
