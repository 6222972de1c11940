"""Per-account API tokens: rotation (the admin key is required, see wildcat/auth.py)."""
from flask import Blueprint, jsonify

from wildcat.api import runtime, ws
from wildcat.auth import issue_account_token
from wildcat.services.accounts import get_account

bp = Blueprint("tokens", __name__)


@bp.post("/accounts/<account_id>/token")
def rotate_token(account_id):
    get_account(runtime(), account_id)
    token = issue_account_token(runtime().store, account_id)
    ws.close_streams(lambda c: c.token_hash is not None and c.account_id == account_id,
                     "token rotated")
    return jsonify(ok=True, accountId=account_id, token=token)
