"""For running gunicorn by hand: `gunicorn -c python:wildcat.gunicorn_conf app:app`.

It applies the same settings and hooks as `python app.py` (one gthread worker, no preload,
account threads started in post_worker_init).
"""
from wildcat.config import load_config
from wildcat.server import gunicorn_options

globals().update(gunicorn_options(load_config()))
