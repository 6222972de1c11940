"""Routes of the webhooks API (being built)."""
from flask import Blueprint

bp = Blueprint("webhooks", __name__)
