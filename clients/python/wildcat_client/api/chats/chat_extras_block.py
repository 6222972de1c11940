from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.ok_response import OkResponse
from ...types import Response


def _get_kwargs(
    account_id: str,
    jid: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/accounts/{account_id}/contacts/{jid}/block".format(
            account_id=quote(str(account_id), safe=""),
            jid=quote(str(jid), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | OkResponse | None:
    if response.status_code == 200:
        response_200 = OkResponse.from_dict(response.json())

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

    if response.status_code == 502:
        response_502 = Error.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = Error.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | OkResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    account_id: str,
    jid: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | OkResponse]:
    """Block a contact

     Also open to the account's own token.

    Args:
        account_id (str):
        jid (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OkResponse]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        jid=jid,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    account_id: str,
    jid: str,
    *,
    client: AuthenticatedClient | Client,
) -> Error | OkResponse | None:
    """Block a contact

     Also open to the account's own token.

    Args:
        account_id (str):
        jid (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OkResponse
    """

    return sync_detailed(
        account_id=account_id,
        jid=jid,
        client=client,
    ).parsed


async def asyncio_detailed(
    account_id: str,
    jid: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | OkResponse]:
    """Block a contact

     Also open to the account's own token.

    Args:
        account_id (str):
        jid (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OkResponse]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        jid=jid,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    account_id: str,
    jid: str,
    *,
    client: AuthenticatedClient | Client,
) -> Error | OkResponse | None:
    """Block a contact

     Also open to the account's own token.

    Args:
        account_id (str):
        jid (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OkResponse
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            jid=jid,
            client=client,
        )
    ).parsed
