"""Logging set-up for operators."""
import logging
import sys


def configure_logging(config):
    """Send WILDCAT's logs to stderr at LOG_LEVEL (force: neonize calls basicConfig too)."""
    logging.basicConfig(level=config.log_level, stream=sys.stderr, force=True,
                        format="%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s")
