"""A client for WILDCAT's REST API.

`Wildcat` (wildcat_client.gateway) is the hand-written way in: `send_text`, media download,
typed errors. `Client`/`AuthenticatedClient` and the `api` and `models` packages are generated
from WILDCAT's OpenAPI document by clients/generate.py; `verify_signature` checks a webhook's
X-Wildcat-Signature.
"""

from .client import AuthenticatedClient, Client
from .gateway import Wildcat, WildcatError
from .signatures import verify_signature

__all__ = (
    "AuthenticatedClient",
    "Client",
    "Wildcat",
    "WildcatError",
    "verify_signature",
)
