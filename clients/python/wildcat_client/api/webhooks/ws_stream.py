from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    account_id: str | Unset = UNSET,
    events: str | Unset = UNSET,
    after: int | Unset = UNSET,
    api_key: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["accountId"] = account_id

    params["events"] = events

    params["after"] = after

    params["apiKey"] = api_key

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/ws",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | None:
    if response.status_code == 101:
        response_101 = cast(Any, None)
        return response_101

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
) -> Response[Any | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    account_id: str | Unset = UNSET,
    events: str | Unset = UNSET,
    after: int | Unset = UNSET,
    api_key: str | Unset = UNSET,
) -> Response[Any | Error]:
    """WebSocket stream of every event (the webhook JSON), upgrade required

     A WebSocket handshake (RFC 6455), not a request an HTTP client can answer: open it with a WebSocket
    client. Browsers pass `?apiKey=`. An account token works with `?accountId=<its account>`. Without an
    Upgrade header the answer is 400.

    Args:
        account_id (str | Unset):
        events (str | Unset):
        after (int | Unset):
        api_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        events=events,
        after=after,
        api_key=api_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    account_id: str | Unset = UNSET,
    events: str | Unset = UNSET,
    after: int | Unset = UNSET,
    api_key: str | Unset = UNSET,
) -> Any | Error | None:
    """WebSocket stream of every event (the webhook JSON), upgrade required

     A WebSocket handshake (RFC 6455), not a request an HTTP client can answer: open it with a WebSocket
    client. Browsers pass `?apiKey=`. An account token works with `?accountId=<its account>`. Without an
    Upgrade header the answer is 400.

    Args:
        account_id (str | Unset):
        events (str | Unset):
        after (int | Unset):
        api_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return sync_detailed(
        client=client,
        account_id=account_id,
        events=events,
        after=after,
        api_key=api_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    account_id: str | Unset = UNSET,
    events: str | Unset = UNSET,
    after: int | Unset = UNSET,
    api_key: str | Unset = UNSET,
) -> Response[Any | Error]:
    """WebSocket stream of every event (the webhook JSON), upgrade required

     A WebSocket handshake (RFC 6455), not a request an HTTP client can answer: open it with a WebSocket
    client. Browsers pass `?apiKey=`. An account token works with `?accountId=<its account>`. Without an
    Upgrade header the answer is 400.

    Args:
        account_id (str | Unset):
        events (str | Unset):
        after (int | Unset):
        api_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        events=events,
        after=after,
        api_key=api_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    account_id: str | Unset = UNSET,
    events: str | Unset = UNSET,
    after: int | Unset = UNSET,
    api_key: str | Unset = UNSET,
) -> Any | Error | None:
    """WebSocket stream of every event (the webhook JSON), upgrade required

     A WebSocket handshake (RFC 6455), not a request an HTTP client can answer: open it with a WebSocket
    client. Browsers pass `?apiKey=`. An account token works with `?accountId=<its account>`. Without an
    Upgrade header the answer is 400.

    Args:
        account_id (str | Unset):
        events (str | Unset):
        after (int | Unset):
        api_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            account_id=account_id,
            events=events,
            after=after,
            api_key=api_key,
        )
    ).parsed
