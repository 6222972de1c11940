"""Liveness and health."""
from flask import Blueprint, jsonify

from workers.account_worker import iso_now

bp = Blueprint("system", __name__)


@bp.get("/ping")
def ping():
    return jsonify(ok=True, pong=True, time=iso_now())
