"""Routes of the messages API (being built)."""
from flask import Blueprint

bp = Blueprint("messages", __name__)
