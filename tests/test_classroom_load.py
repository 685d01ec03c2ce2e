"""A short classroom: a few protocol sessions (benchmarks/classroom_load.py, run as a script)
clicking both maps about once a second for a few seconds. Every click is answered, nothing fails."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def test_a_few_sessions_clicking_lose_nothing(app_server):
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "classroom_load.py"), "--url", app_server.url,
         "--pids", str(app_server.proc.pid), "--sessions", "4", "--duration", "6", "--no-browser",
         "--timeout", "20"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"sessions", "clicks", "lost_clicks", "errors", "p50_ms", "p95_ms", "rss_mb_per_session"} <= set(result)
    assert result["errors"] == 0, out.stdout[-2000:]
    assert result["lost_clicks"] == 0, out.stdout[-2000:]
    assert result["clicks"] >= 4 * 4  # about one a second each
    assert result["protocol_p50_ms"] is not None
