"""Generated requests against a running node, from the OpenAPI document itself: no server
error and no response the document does not describe."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tessera_e2e import login_token

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
MINIMUM_REQUESTS = 2000
# Examples per operation; raise it (and drop determinism) for a longer hunt by hand.
MAX_EXAMPLES = int(os.environ.get("TESSERA_FUZZ_EXAMPLES", "80"))
DETERMINISTIC = os.environ.get("TESSERA_FUZZ_RANDOM", "") == ""


def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(start_node, api, tmp_path):
    node = start_node()
    admin_name, admin_password = api.make_admin(node)
    token = login_token(node.url, admin_name, admin_password)
    common = [
        sys.executable, "-m", "schemathesis.cli", "run", str(SPEC), "--url", node.url,
        "-H", f"Authorization: Bearer {token}",
        # These end the caller's own session, which the run needs; the end-to-end suites
        # cover them. /api/events is a WebSocket; /metrics is Prometheus text.
        "--exclude-path", "/api/logout", "--exclude-path", "/api/sessions/{id}",
        "--exclude-path", "/api/events", "--exclude-path", "/metrics",
        "--max-examples", str(MAX_EXAMPLES), "--workers", "2", "--checks", "all",
    ] + (["--generation-deterministic"] if DETERMINISTIC else [])
    # ignored_auth: the generator adds a bogus cookie next to the valid Bearer token, which
    # rightly wins. positive_data_acceptance: rules a schema cannot state (the common-password
    # list, a taken username, the device-name alphabet) refuse some schema-valid bodies with
    # a documented 400.
    api_run = common + ["--exclude-checks", "ignored_auth,positive_data_acceptance", "--exclude-path-regex", "^/cas/"]
    # CAS clients add parameters of their own and the protocol says to ignore what is not
    # known, so /cas is held to every check but the refusal of unknown input.
    cas_run = common + ["--exclude-checks", "ignored_auth,positive_data_acceptance,negative_data_rejection",
                        "--include-path-regex", "^/cas/"]
    generated = run(api_run, tmp_path) + run(cas_run, tmp_path)
    assert generated >= MINIMUM_REQUESTS
    print(f"\nschemathesis: {generated} generated requests, no failure")
    assert "Server error" not in node.logs()


def run(argv: list[str], folder) -> int:
    """Runs schemathesis in `folder` (it keeps a cache where it runs); returns how many
    requests it generated, failing on any finding."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=max(900, MAX_EXAMPLES * 12), cwd=folder)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"schemathesis found problems:\n{output[-12000:]}"
    generated = re.search(r"(\d+) generated", output)
    assert generated, output[-3000:]
    return int(generated.group(1))
