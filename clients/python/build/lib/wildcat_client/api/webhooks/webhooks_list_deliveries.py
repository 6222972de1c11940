from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.deliveries_response import DeliveriesResponse
from ...models.error import Error
from ...models.webhooks_list_deliveries_status import WebhooksListDeliveriesStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    webhook_id: str,
    *,
    limit: int | Unset = 50,
    skip: int | Unset = 0,
    status: WebhooksListDeliveriesStatus | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["skip"] = skip

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/webhooks/{webhook_id}/deliveries".format(
            webhook_id=quote(str(webhook_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeliveriesResponse | Error | None:
    if response.status_code == 200:
        response_200 = DeliveriesResponse.from_dict(response.json())

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

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DeliveriesResponse | Error]:
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
    limit: int | Unset = 50,
    skip: int | Unset = 0,
    status: WebhooksListDeliveriesStatus | Unset = UNSET,
) -> Response[DeliveriesResponse | Error]:
    """A webhook's deliveries, newest first (?status=failed for its failures)

    Args:
        webhook_id (str):
        limit (int | Unset):  Default: 50.
        skip (int | Unset):  Default: 0.
        status (WebhooksListDeliveriesStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeliveriesResponse | Error]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        limit=limit,
        skip=skip,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    webhook_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 50,
    skip: int | Unset = 0,
    status: WebhooksListDeliveriesStatus | Unset = UNSET,
) -> DeliveriesResponse | Error | None:
    """A webhook's deliveries, newest first (?status=failed for its failures)

    Args:
        webhook_id (str):
        limit (int | Unset):  Default: 50.
        skip (int | Unset):  Default: 0.
        status (WebhooksListDeliveriesStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeliveriesResponse | Error
    """

    return sync_detailed(
        webhook_id=webhook_id,
        client=client,
        limit=limit,
        skip=skip,
        status=status,
    ).parsed


async def asyncio_detailed(
    webhook_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 50,
    skip: int | Unset = 0,
    status: WebhooksListDeliveriesStatus | Unset = UNSET,
) -> Response[DeliveriesResponse | Error]:
    """A webhook's deliveries, newest first (?status=failed for its failures)

    Args:
        webhook_id (str):
        limit (int | Unset):  Default: 50.
        skip (int | Unset):  Default: 0.
        status (WebhooksListDeliveriesStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeliveriesResponse | Error]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        limit=limit,
        skip=skip,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    webhook_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 50,
    skip: int | Unset = 0,
    status: WebhooksListDeliveriesStatus | Unset = UNSET,
) -> DeliveriesResponse | Error | None:
    """A webhook's deliveries, newest first (?status=failed for its failures)

    Args:
        webhook_id (str):
        limit (int | Unset):  Default: 50.
        skip (int | Unset):  Default: 0.
        status (WebhooksListDeliveriesStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeliveriesResponse | Error
    """

    return (
        await asyncio_detailed(
            webhook_id=webhook_id,
            client=client,
            limit=limit,
            skip=skip,
            status=status,
        )
    ).parsed
