from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.contacts_response import ContactsResponse
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    account_id: str,
    *,
    limit: int | Unset = 50,
    skip: int | Unset = 0,
    before: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["skip"] = skip

    params["before"] = before

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/accounts/{account_id}/contacts".format(
            account_id=quote(str(account_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ContactsResponse | Error | None:
    if response.status_code == 200:
        response_200 = ContactsResponse.from_dict(response.json())

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
) -> Response[ContactsResponse | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 50,
    skip: int | Unset = 0,
    before: str | Unset = UNSET,
) -> Response[ContactsResponse | Error]:
    """Stored contacts, by JID descending (`before`: the last jid of the previous page)

     Also open to the account's own token.

    Args:
        account_id (str):
        limit (int | Unset):  Default: 50.
        skip (int | Unset):  Default: 0.
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContactsResponse | Error]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        limit=limit,
        skip=skip,
        before=before,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 50,
    skip: int | Unset = 0,
    before: str | Unset = UNSET,
) -> ContactsResponse | Error | None:
    """Stored contacts, by JID descending (`before`: the last jid of the previous page)

     Also open to the account's own token.

    Args:
        account_id (str):
        limit (int | Unset):  Default: 50.
        skip (int | Unset):  Default: 0.
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContactsResponse | Error
    """

    return sync_detailed(
        account_id=account_id,
        client=client,
        limit=limit,
        skip=skip,
        before=before,
    ).parsed


async def asyncio_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 50,
    skip: int | Unset = 0,
    before: str | Unset = UNSET,
) -> Response[ContactsResponse | Error]:
    """Stored contacts, by JID descending (`before`: the last jid of the previous page)

     Also open to the account's own token.

    Args:
        account_id (str):
        limit (int | Unset):  Default: 50.
        skip (int | Unset):  Default: 0.
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContactsResponse | Error]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        limit=limit,
        skip=skip,
        before=before,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 50,
    skip: int | Unset = 0,
    before: str | Unset = UNSET,
) -> ContactsResponse | Error | None:
    """Stored contacts, by JID descending (`before`: the last jid of the previous page)

     Also open to the account's own token.

    Args:
        account_id (str):
        limit (int | Unset):  Default: 50.
        skip (int | Unset):  Default: 0.
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContactsResponse | Error
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            client=client,
            limit=limit,
            skip=skip,
            before=before,
        )
    ).parsed
