"""For running gunicorn by hand: `gunicorn -c python:wildcat.gunicorn_conf app:app`.

It applies the same settings and hooks as `python app.py` (WEB_CONCURRENCY gthread workers,
no preload, account threads started in post_worker_init) and, when WILDCAT_CLUSTER_SECRET is
not set, generates one for the workers it starts.
"""
import os
import secrets

from wildcat.config import load_config
from wildcat.server import gunicorn_options, mark_configured

if not os.environ.get("WILDCAT_CLUSTER_SECRET", "").strip():
    os.environ["WILDCAT_CLUSTER_SECRET"] = secrets.token_hex(32)
mark_configured()
globals().update(gunicorn_options(load_config()))
