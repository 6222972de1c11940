"""API blueprints; `runtime()` is the running process's Runtime."""
from flask import current_app


def runtime():
    return current_app.extensions["wildcat"]
