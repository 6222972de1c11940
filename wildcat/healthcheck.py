"""`python -m wildcat.healthcheck`: exit 0 when this machine's server answers /health with 200.

The container's HEALTHCHECK (and any supervisor) runs it; it reads the same environment as
the server (PORT, WILDCAT_API_KEY) and prints why it failed, for `docker inspect`.
"""
import sys
import urllib.error
import urllib.request

TIMEOUT_S = 4.0


def check(config, timeout=TIMEOUT_S) -> tuple[bool, str]:
    """(healthy, what the server said) for the server this config describes."""
    request = urllib.request.Request(f"http://127.0.0.1:{config.port}/health")
    if config.api_key:
        request.add_header("X-API-Key", config.api_key)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status == 200, f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return False, f"HTTP {exc.code}: {exc.read(300).decode('utf-8', 'replace')}"
    except (OSError, ValueError) as exc:
        return False, f"no answer on port {config.port}: {exc}"


def main() -> int:
    from wildcat.config import ConfigError, load_config
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"unhealthy: configuration error: {exc}")
        return 1
    healthy, said = check(config)
    print(("healthy: " if healthy else "unhealthy: ") + said)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
