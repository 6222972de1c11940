from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.accounts_get_qr_format import AccountsGetQrFormat
from ...models.error import Error
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    account_id: str,
    *,
    format_: AccountsGetQrFormat | Unset = AccountsGetQrFormat.PNG,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/accounts/{account_id}/qr".format(
            account_id=quote(str(account_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | File | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

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
) -> Response[Error | File]:
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
    format_: AccountsGetQrFormat | Unset = AccountsGetQrFormat.PNG,
) -> Response[Error | File]:
    """The pending login QR: PNG, or ?format=svg|txt|json

     The body's type follows `format`: a PNG image by default. Clients that want the QR payload as JSON
    in one type call `GET …/qr.json`.

    Also open to the account's own token.

    Args:
        account_id (str):
        format_ (AccountsGetQrFormat | Unset):  Default: AccountsGetQrFormat.PNG.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | File]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: AccountsGetQrFormat | Unset = AccountsGetQrFormat.PNG,
) -> Error | File | None:
    """The pending login QR: PNG, or ?format=svg|txt|json

     The body's type follows `format`: a PNG image by default. Clients that want the QR payload as JSON
    in one type call `GET …/qr.json`.

    Also open to the account's own token.

    Args:
        account_id (str):
        format_ (AccountsGetQrFormat | Unset):  Default: AccountsGetQrFormat.PNG.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | File
    """

    return sync_detailed(
        account_id=account_id,
        client=client,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: AccountsGetQrFormat | Unset = AccountsGetQrFormat.PNG,
) -> Response[Error | File]:
    """The pending login QR: PNG, or ?format=svg|txt|json

     The body's type follows `format`: a PNG image by default. Clients that want the QR payload as JSON
    in one type call `GET …/qr.json`.

    Also open to the account's own token.

    Args:
        account_id (str):
        format_ (AccountsGetQrFormat | Unset):  Default: AccountsGetQrFormat.PNG.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | File]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: AccountsGetQrFormat | Unset = AccountsGetQrFormat.PNG,
) -> Error | File | None:
    """The pending login QR: PNG, or ?format=svg|txt|json

     The body's type follows `format`: a PNG image by default. Clients that want the QR payload as JSON
    in one type call `GET …/qr.json`.

    Also open to the account's own token.

    Args:
        account_id (str):
        format_ (AccountsGetQrFormat | Unset):  Default: AccountsGetQrFormat.PNG.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | File
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            client=client,
            format_=format_,
        )
    ).parsed
