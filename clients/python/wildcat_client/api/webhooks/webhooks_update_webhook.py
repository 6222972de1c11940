from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.update_webhook import UpdateWebhook
from ...models.webhook_response import WebhookResponse
from ...types import Response


def _get_kwargs(
    webhook_id: str,
    *,
    body: UpdateWebhook,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/webhooks/{webhook_id}".format(
            webhook_id=quote(str(webhook_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | WebhookResponse | None:
    if response.status_code == 200:
        response_200 = WebhookResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 408:
        response_408 = Error.from_dict(response.json())

        return response_408

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | WebhookResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    webhook_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateWebhook,
) -> Response[Error | WebhookResponse]:
    """Change a webhook's url, accountId, events, secret or enabled

     Only the fields given change; `accountId: null` makes it global, `secret: null` removes its own
    secret. A disabled webhook keeps collecting deliveries (pending) and sends none until it is enabled.
    409 `webhook_exists` when another webhook has the new url (and accountId).

    Args:
        webhook_id (str):
        body (UpdateWebhook):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WebhookResponse]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    webhook_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateWebhook,
) -> Error | WebhookResponse | None:
    """Change a webhook's url, accountId, events, secret or enabled

     Only the fields given change; `accountId: null` makes it global, `secret: null` removes its own
    secret. A disabled webhook keeps collecting deliveries (pending) and sends none until it is enabled.
    409 `webhook_exists` when another webhook has the new url (and accountId).

    Args:
        webhook_id (str):
        body (UpdateWebhook):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WebhookResponse
    """

    return sync_detailed(
        webhook_id=webhook_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    webhook_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateWebhook,
) -> Response[Error | WebhookResponse]:
    """Change a webhook's url, accountId, events, secret or enabled

     Only the fields given change; `accountId: null` makes it global, `secret: null` removes its own
    secret. A disabled webhook keeps collecting deliveries (pending) and sends none until it is enabled.
    409 `webhook_exists` when another webhook has the new url (and accountId).

    Args:
        webhook_id (str):
        body (UpdateWebhook):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WebhookResponse]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    webhook_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: UpdateWebhook,
) -> Error | WebhookResponse | None:
    """Change a webhook's url, accountId, events, secret or enabled

     Only the fields given change; `accountId: null` makes it global, `secret: null` removes its own
    secret. A disabled webhook keeps collecting deliveries (pending) and sends none until it is enabled.
    409 `webhook_exists` when another webhook has the new url (and accountId).

    Args:
        webhook_id (str):
        body (UpdateWebhook):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WebhookResponse
    """

    return (
        await asyncio_detailed(
            webhook_id=webhook_id,
            client=client,
            body=body,
        )
    ).parsed
