"""A short schemathesis run against a live sandbox server (the longer one: bench/)."""
import json
import subprocess
import sys

import pytest

from tests.fuzzing import isolated_command
from tests.util import ROOT

ARGS = ["--examples", "5", "--seed", "7", "--phases", "examples,coverage,fuzzing,stateful"]


@pytest.mark.timeout(240)
def test_schemathesis_finds_no_5xx_and_no_response_off_its_schema():
    command = isolated_command(ARGS)
    if command is None:
        pytest.skip("needs `unshare -n` and `ip` (a loopback-only network namespace), so that "
                    "fuzzed webhook URLs cannot reach real hosts")
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=230)
    lines = proc.stdout.strip().splitlines()
    assert lines, proc.stderr[-3000:]
    result = json.loads(lines[-1])
    report = "\n".join(lines[-80:])
    assert result["operations_tested"] >= 40, report
    assert result["failures"] == [] and result["errors"] == [], report
    assert result["exit_code"] == 0, report
    assert result["health_after"] == 200
    assert result["test_cases"] > 500
    print(json.dumps(result), file=sys.stderr)
