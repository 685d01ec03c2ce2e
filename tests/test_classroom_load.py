"""A short classroom: a few protocol sessions (benchmarks/classroom_load.py) clicking both maps
about once a second for a few seconds. Every click is answered, nothing fails."""
from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import classroom_load  # noqa: E402


def test_a_few_sessions_clicking_lose_nothing(app_server):
    args = classroom_load.parse_args(["--url", app_server.url, "--pids", str(app_server.proc.pid),
                                      "--sessions", "4", "--duration", "6", "--no-browser", "--timeout", "20"])
    result = classroom_load.run(args)
    assert result["errors"] == 0
    assert result["lost_clicks"] == 0
    assert result["clicks"] >= 4 * 4  # about one a second each
    assert result["protocol_p50_ms"] is not None
