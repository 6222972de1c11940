"""Longer schemathesis run against a live sandbox server; prints its figures, JSON last.

    python bench/fuzz_schemathesis.py [--examples 50] [--seed 1] [--max-time SECONDS]

Runs in a loopback-only network namespace (`unshare -n`) when the machine allows it, so
fuzzed webhook URLs cannot reach real hosts; otherwise POST /webhooks is not fuzzed.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.fuzzing import CHECKS, isolated_command  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-time", type=int, default=None)
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--checks", default=None, help="default: tests/fuzzing.py CHECKS; "
                        "'all' adds negative/positive data, ignored auth, …")
    args = parser.parse_args()
    inner = ["--examples", str(args.examples), "--seed", str(args.seed),
             "--phases", args.phases]
    if args.checks:
        inner += ["--checks", args.checks]
    if args.max_time:
        inner += ["--max-time", str(args.max_time)]
    args.checks = args.checks or CHECKS
    command = isolated_command(inner)
    if command is None:
        sys.exit("needs `unshare -n` and `ip`: fuzzed webhook URLs must not reach real hosts")
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    lines = proc.stdout.strip().splitlines()
    print("\n".join(lines[:-1]))
    result = json.loads(lines[-1]) if lines else {"error": proc.stderr[-2000:]}
    result.update(examples_per_operation=args.examples, seed=args.seed,
                  phases_requested=args.phases, checks=args.checks)
    print(f"operations tested: {result.get('operations_tested')}, test cases: "
          f"{result.get('test_cases')}, failures: {len(result.get('failures', []))}, "
          f"errors: {len(result.get('errors', []))}, {result.get('seconds')} s")
    print(json.dumps(result))
    return 0 if result.get("exit_code") == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
