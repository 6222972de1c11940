"""Accounts and connection control."""
from flask import Blueprint, Response, jsonify

from wildcat import qr
from wildcat.api import runtime, ws
from wildcat.auth import issue_account_token
from wildcat.schemas import json_body, load, query_args
from wildcat.schemas.accounts import (CreateAccountSchema, PairSchema, QrQuerySchema,
                                      UpdateAccountSchema)
from wildcat.services import accounts as service

bp = Blueprint("accounts", __name__)

create_schema, pair_schema, qr_query = CreateAccountSchema(), PairSchema(), QrQuerySchema()
update_schema = UpdateAccountSchema()


@bp.post("/accounts")
def create_account():
    data = load(create_schema, json_body())
    account = service.create_account(runtime(), data)
    token = issue_account_token(runtime().store, account["_id"])  # shown once, stored hashed
    return jsonify(ok=True, account=account, token=token), 201


@bp.get("/accounts")
def list_accounts():
    return jsonify(ok=True, accounts=service.list_accounts(runtime()))


@bp.get("/accounts/<account_id>")
def get_account(account_id):
    return jsonify(ok=True, account=service.account_view(runtime(), account_id))


@bp.patch("/accounts/<account_id>")
def update_account(account_id):
    data = load(update_schema, json_body())
    return jsonify(ok=True, account=service.update_account(runtime(), account_id, data))


@bp.delete("/accounts/<account_id>")
def delete_account(account_id):
    service.delete_account(runtime(), account_id)
    ws.close_account_streams(account_id, "account deleted")
    return jsonify(ok=True, message=f"Account {account_id} deleted")


@bp.get("/accounts/<account_id>/status")
def account_status(account_id):
    return jsonify(ok=True, **service.status(runtime(), account_id))


@bp.post("/accounts/<account_id>/connect")
def connect(account_id):
    status = service.connect(runtime(), account_id)
    return jsonify(ok=True, message=f"Attempting to connect {account_id}", status=status)


@bp.post("/accounts/<account_id>/disconnect")
def disconnect(account_id):
    status = service.disconnect(runtime(), account_id)
    return jsonify(ok=True, message=f"Account {account_id} disconnected", status=status)


@bp.post("/accounts/<account_id>/logout")
def logout(account_id):
    status = service.logout(runtime(), account_id)
    return jsonify(ok=True, message=f"Account {account_id} logged out", status=status)


@bp.post("/accounts/<account_id>/pair")
def pair(account_id):
    data = load(pair_schema, json_body())
    return jsonify(ok=True, code=service.pair(runtime(), account_id, data["phone"]))


@bp.get("/accounts/<account_id>/qr")
def get_qr(account_id):
    fmt = load(qr_query, query_args())["format"]
    code = service.pending_qr(runtime(), account_id)
    if fmt == "json":
        return jsonify(ok=True, accountId=account_id, qr=code)
    body, mimetype = qr.render(code, fmt)
    return Response(body, mimetype=mimetype, headers={"Cache-Control": "no-store"})


@bp.get("/accounts/<account_id>/qr.json")
def get_qr_json(account_id):
    code = service.pending_qr(runtime(), account_id)
    return jsonify(ok=True, accountId=account_id, qr=code)
