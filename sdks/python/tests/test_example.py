"""examples/python_agent_loop.py runs against the real server and learns as it says it does."""

import contextlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict

from engram_client import Engram, NotFoundError
from support import unique

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "python_agent_loop.py"


def test_the_agent_loop_example_reads_context_and_remembers_what_it_learns(
    live: Dict[str, str], agent: Engram, tenant_admin: Engram
) -> None:
    namespace, agent_id = unique("agent-loop"), unique("agent")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        run = subprocess.run(
            [sys.executable, str(EXAMPLE), "--namespace", namespace, "--agent", agent_id],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        lines = run.stdout.splitlines()
        assert lines[2].startswith("step 3: answered from memory") and "eu-west-1" in lines[2]
        assert lines[3].startswith("step 4: answered from memory") and "30 days" in lines[3]
        assert "answered from memory: 2, learned: 3" in run.stdout

        assert agent.pins.get(f"agents/{agent_id}:state").value == {"step": 5, "answered_from_memory": 2, "learned": 3}
        facts = list(agent.memories.list(namespace=namespace, type="semantic"))
        episodes = list(agent.memories.list(namespace=namespace, type="episodic"))
        assert len(facts) == 3 and len(episodes) == 5
    finally:
        with contextlib.suppress(NotFoundError):
            tenant_admin.pins.delete(f"agents/{agent_id}:state")
        with contextlib.suppress(NotFoundError):
            tenant_admin.namespaces.delete(namespace)
