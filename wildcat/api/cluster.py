"""GET /cluster (the instances sharing this store) and GET /events (the event log)."""
from flask import Blueprint, jsonify

from wildcat.api import runtime
from wildcat.schemas import load, query_args
from wildcat.schemas.webhooks import EventsQuerySchema
from wildcat.services.cluster import cluster_view, events_page

bp = Blueprint("cluster", __name__)
events_query = EventsQuerySchema()


@bp.get("/cluster")
def cluster():
    return jsonify(ok=True, **cluster_view(runtime()))


@bp.get("/events")
def events():
    args = load(events_query, query_args())
    return jsonify(ok=True, **events_page(runtime(), **args))
