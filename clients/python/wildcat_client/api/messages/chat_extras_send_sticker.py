from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.chat_extras_send_sticker_body import ChatExtrasSendStickerBody
from ...models.error import Error
from ...models.message_id_response import MessageIdResponse
from ...types import Response


def _get_kwargs(
    account_id: str,
    *,
    body: ChatExtrasSendStickerBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/accounts/{account_id}/message/send/sticker".format(
            account_id=quote(str(account_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | MessageIdResponse | None:
    if response.status_code == 200:
        response_200 = MessageIdResponse.from_dict(response.json())

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

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

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
) -> Response[Error | MessageIdResponse]:
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
    body: ChatExtrasSendStickerBody,
) -> Response[Error | MessageIdResponse]:
    """Send a sticker (multipart `sticker`: PNG, JPEG, GIF or WebP)

     Converted to a 512x512 WebP (scaled to fit, transparent margins; the first frame of an animation).
    Other file types: 415.

    Also open to the account's own token.

    Args:
        account_id (str):
        body (ChatExtrasSendStickerBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MessageIdResponse]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ChatExtrasSendStickerBody,
) -> Error | MessageIdResponse | None:
    """Send a sticker (multipart `sticker`: PNG, JPEG, GIF or WebP)

     Converted to a 512x512 WebP (scaled to fit, transparent margins; the first frame of an animation).
    Other file types: 415.

    Also open to the account's own token.

    Args:
        account_id (str):
        body (ChatExtrasSendStickerBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MessageIdResponse
    """

    return sync_detailed(
        account_id=account_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ChatExtrasSendStickerBody,
) -> Response[Error | MessageIdResponse]:
    """Send a sticker (multipart `sticker`: PNG, JPEG, GIF or WebP)

     Converted to a 512x512 WebP (scaled to fit, transparent margins; the first frame of an animation).
    Other file types: 415.

    Also open to the account's own token.

    Args:
        account_id (str):
        body (ChatExtrasSendStickerBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MessageIdResponse]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ChatExtrasSendStickerBody,
) -> Error | MessageIdResponse | None:
    """Send a sticker (multipart `sticker`: PNG, JPEG, GIF or WebP)

     Converted to a 512x512 WebP (scaled to fit, transparent margins; the first frame of an animation).
    Other file types: 415.

    Also open to the account's own token.

    Args:
        account_id (str):
        body (ChatExtrasSendStickerBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MessageIdResponse
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            client=client,
            body=body,
        )
    ).parsed
