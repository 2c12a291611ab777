"""Known vulnerabilities of the pinned dependencies (pip-audit against requirements.lock).

Exit 1 when pip-audit finds a vulnerability (``make lint``, ``make audit-deps``);
``--report-only`` (``make test``, which CI runs) prints the same findings and exits 0, so
an advisory published against a pinned version tells the developers without stopping
every other change from landing. When the
vulnerability service cannot be reached (no network, a proxy refusing), or answers "not
found" for packages it should know (a PyPI mirror without the per-version JSON), the
packages are NOT audited: this says so in one loud line and exits 0, so an offline CI
stays green without pretending the audit passed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

NETWORK_ERRORS = (
    "ConnectionError",
    "ProxyError",
    "ConnectTimeout",
    "ReadTimeout",
    "NameResolution",
)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")


def main(*args: str) -> int:
    report_only = "--report-only" in args
    lock = next((arg for arg in args if not arg.startswith("--")), "requirements.lock")
    pip_audit = Path(sys.executable).with_name("pip-audit")
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        command = [
            str(pip_audit),
            "-r",
            lock,
            "--no-deps",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "-f",
            "json",
            "-o",
            str(report),
        ]
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        if not report.exists():
            if any(name in run.stderr for name in NETWORK_ERRORS):
                say(
                    "pip-audit: NOT AUDITED - the vulnerability service could not be reached "
                    "(network); run `make audit-deps` where PyPI is reachable"
                )
                return 0
            sys.stderr.write(run.stderr)
            return run.returncode or 1
        dependencies = json.loads(report.read_text())["dependencies"]
    found = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dependency in found:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
            say(
                f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixes})"
            )
    audited = len(dependencies) - len(skipped)
    say(
        f"pip-audit: {audited} of {len(dependencies)} pinned packages audited, "
        f"{sum(len(d['vulns']) for d in found)} known vulnerabilities"
    )
    if skipped:
        say(
            f"pip-audit: NOT AUDITED {len(skipped)} packages the service did not know "
            f"(e.g. {skipped[0]['name']}: {skipped[0]['skip_reason']})"
        )
    if found and report_only:
        say("pip-audit: REPORT ONLY - `make audit-deps` fails on the vulnerabilities above")
        return 0
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
