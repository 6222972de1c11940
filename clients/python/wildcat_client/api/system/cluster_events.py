from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.events_page import EventsPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    after: int | Unset = 0,
    account_id: str | Unset = UNSET,
    events: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["after"] = after

    params["accountId"] = account_id

    params["events"] = events

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/events",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | EventsPage | None:
    if response.status_code == 200:
        response_200 = EventsPage.from_dict(response.json())

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

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | EventsPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = 0,
    account_id: str | Unset = UNSET,
    events: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[Error | EventsPage]:
    """The event log: every account's events after a cursor, oldest first

     Admin key only. Kept WILDCAT_EVENT_RETENTION_HOURS (24). Page with `next`; hand the last cursor to
    `/ws?after=` to go on live without a gap.

    Args:
        after (int | Unset):  Default: 0.
        account_id (str | Unset):
        events (str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | EventsPage]
    """

    kwargs = _get_kwargs(
        after=after,
        account_id=account_id,
        events=events,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = 0,
    account_id: str | Unset = UNSET,
    events: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Error | EventsPage | None:
    """The event log: every account's events after a cursor, oldest first

     Admin key only. Kept WILDCAT_EVENT_RETENTION_HOURS (24). Page with `next`; hand the last cursor to
    `/ws?after=` to go on live without a gap.

    Args:
        after (int | Unset):  Default: 0.
        account_id (str | Unset):
        events (str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | EventsPage
    """

    return sync_detailed(
        client=client,
        after=after,
        account_id=account_id,
        events=events,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = 0,
    account_id: str | Unset = UNSET,
    events: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[Error | EventsPage]:
    """The event log: every account's events after a cursor, oldest first

     Admin key only. Kept WILDCAT_EVENT_RETENTION_HOURS (24). Page with `next`; hand the last cursor to
    `/ws?after=` to go on live without a gap.

    Args:
        after (int | Unset):  Default: 0.
        account_id (str | Unset):
        events (str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | EventsPage]
    """

    kwargs = _get_kwargs(
        after=after,
        account_id=account_id,
        events=events,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = 0,
    account_id: str | Unset = UNSET,
    events: str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Error | EventsPage | None:
    """The event log: every account's events after a cursor, oldest first

     Admin key only. Kept WILDCAT_EVENT_RETENTION_HOURS (24). Page with `next`; hand the last cursor to
    `/ws?after=` to go on live without a gap.

    Args:
        after (int | Unset):  Default: 0.
        account_id (str | Unset):
        events (str | Unset):
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | EventsPage
    """

    return (
        await asyncio_detailed(
            client=client,
            after=after,
            account_id=account_id,
            events=events,
            limit=limit,
        )
    ).parsed
