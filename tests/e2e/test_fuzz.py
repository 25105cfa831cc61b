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


def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(start_node, api):
    node = start_node()
    admin_name, admin_password = api.make_admin(node)
    token = login_token(node.url, admin_name, admin_password)
    argv = [
        sys.executable, "-m", "schemathesis.cli", "run", str(SPEC), "--url", node.url,
        "-H", f"Authorization: Bearer {token}",
        "--checks", "all",
        # ignored_auth: the generator adds a bogus cookie next to the valid Bearer token,
        # which rightly wins. positive_data_acceptance: rules a schema cannot state (the
        # common-password list, a taken username, the device-name alphabet) refuse some
        # schema-valid bodies with a documented 400.
        "--exclude-checks", "ignored_auth,positive_data_acceptance",
        # These end the caller's own session, which the run needs; the end-to-end suites
        # cover them. /api/events is a WebSocket; /metrics is Prometheus text.
        "--exclude-path", "/api/logout", "--exclude-path", "/api/sessions/{id}",
        "--exclude-path", "/api/events", "--exclude-path", "/metrics",
        "--max-examples", str(MAX_EXAMPLES), "--workers", "2",
    ] + (["--generation-deterministic"] if DETERMINISTIC else [])
    done = subprocess.run(argv, capture_output=True, text=True, timeout=max(900, MAX_EXAMPLES * 12))
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"schemathesis found problems:\n{output[-12000:]}"
    generated = re.search(r"(\d+) generated", output)
    assert generated, output[-3000:]
    assert int(generated.group(1)) >= MINIMUM_REQUESTS, output[-3000:]
    print(f"\nschemathesis: {generated.group(1)} generated requests, no failure")
    assert "Server error" not in node.logs()
