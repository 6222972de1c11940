"""GET /cluster: the instances sharing this store (admin key only)."""
from flask import Blueprint, jsonify

from wildcat.api import runtime
from wildcat.services.cluster import cluster_view

bp = Blueprint("cluster", __name__)


@bp.get("/cluster")
def cluster():
    return jsonify(ok=True, **cluster_view(runtime()))
