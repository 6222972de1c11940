"""Webhook registration, listing, deletion, delivery log and redelivery."""
from flask import Blueprint, jsonify

from wildcat.api import runtime
from wildcat.schemas import json_body, load, query_args
from wildcat.schemas.webhooks import (CreateWebhookSchema, DeliveriesQuerySchema,
                                      UpdateWebhookSchema, WebhooksQuerySchema)
from wildcat.services import webhooks as service

bp = Blueprint("webhooks", __name__)

create_schema, list_query, deliveries_query = (CreateWebhookSchema(), WebhooksQuerySchema(),
                                               DeliveriesQuerySchema())
update_schema = UpdateWebhookSchema()


@bp.post("/webhooks")
def create_webhook():
    data = load(create_schema, json_body())
    webhook, created = service.create_webhook(runtime(), data)
    return jsonify(ok=True, url=webhook["url"], created=created, id=webhook["id"],
                   webhook=webhook), 201 if created else 200


@bp.get("/webhooks")
def list_webhooks():
    args = load(list_query, query_args())
    return jsonify(ok=True, webhooks=service.list_webhooks(runtime(), args.get("accountId")))


@bp.patch("/webhooks/<webhook_id>")
def update_webhook(webhook_id):
    data = load(update_schema, json_body())
    return jsonify(ok=True, webhook=service.update_webhook(runtime(), webhook_id, data))


@bp.delete("/webhooks/<webhook_id>")
def delete_webhook(webhook_id):
    service.delete_webhook(runtime(), webhook_id)
    return jsonify(ok=True, id=webhook_id, deleted=True)


@bp.get("/webhooks/<webhook_id>/deliveries")
def list_deliveries(webhook_id):
    args = load(deliveries_query, query_args())
    deliveries = service.list_deliveries(runtime(), webhook_id, **args)
    return jsonify(ok=True, deliveries=deliveries, limit=args["limit"], skip=args["skip"])


@bp.post("/webhooks/deliveries/<delivery_id>/redeliver")
def redeliver(delivery_id):
    return jsonify(ok=True, delivery=service.redeliver(runtime(), delivery_id))
