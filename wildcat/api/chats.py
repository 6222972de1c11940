"""Routes of the chats API (being built)."""
from flask import Blueprint

bp = Blueprint("chats", __name__)
