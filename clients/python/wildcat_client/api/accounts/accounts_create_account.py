from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.account_created_response import AccountCreatedResponse
from ...models.create_account import CreateAccount
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    *,
    body: CreateAccount,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/accounts",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AccountCreatedResponse | Error | None:
    if response.status_code == 201:
        response_201 = AccountCreatedResponse.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

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
) -> Response[AccountCreatedResponse | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateAccount,
) -> Response[AccountCreatedResponse | Error]:
    """Create an account and start its login (QR)

     The response carries the account's own API token, once; only its SHA-256 is stored. 409
    `collection_in_use`: the collectionName is another account's; 503 `account_capacity`: this server
    holds as many accounts as it can.

    Args:
        body (CreateAccount):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountCreatedResponse | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: CreateAccount,
) -> AccountCreatedResponse | Error | None:
    """Create an account and start its login (QR)

     The response carries the account's own API token, once; only its SHA-256 is stored. 409
    `collection_in_use`: the collectionName is another account's; 503 `account_capacity`: this server
    holds as many accounts as it can.

    Args:
        body (CreateAccount):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountCreatedResponse | Error
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateAccount,
) -> Response[AccountCreatedResponse | Error]:
    """Create an account and start its login (QR)

     The response carries the account's own API token, once; only its SHA-256 is stored. 409
    `collection_in_use`: the collectionName is another account's; 503 `account_capacity`: this server
    holds as many accounts as it can.

    Args:
        body (CreateAccount):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountCreatedResponse | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreateAccount,
) -> AccountCreatedResponse | Error | None:
    """Create an account and start its login (QR)

     The response carries the account's own API token, once; only its SHA-256 is stored. 409
    `collection_in_use`: the collectionName is another account's; 503 `account_capacity`: this server
    holds as many accounts as it can.

    Args:
        body (CreateAccount):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountCreatedResponse | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
