"""Private-address guard for outgoing webhook requests (WILDCAT_WEBHOOK_BLOCK_PRIVATE).

A URL is refused when its host is, or resolves to, an address that is not globally
routable: loopback, RFC 1918 / unique-local, link-local (which holds the cloud metadata
services 169.254.169.254 and fd00:ec2::254), CGNAT, multicast, reserved or unspecified.
At delivery time the check runs where the socket is opened (`GuardedAdapter`): the address
that was checked is the address connected to, so a DNS answer that changes between a check
and the connect (rebinding) cannot reach an internal service.
"""
import ipaddress
import socket

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection

BLOCKED_CODE = "webhook_url_blocked"


class AddressBlocked(Exception):
    """The host is or resolves to a private, loopback, link-local or metadata address."""

    code = BLOCKED_CODE


def is_blocked_ip(text: str) -> bool:
    """True for any address that is not a public unicast one."""
    ip = ipaddress.ip_address(text.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_multicast or not ip.is_global


def resolve(host: str, port: int | None = None) -> list[tuple]:
    """getaddrinfo for a TCP connection (raises socket.gaierror)."""
    return socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)


def check_host(host: str, port: int | None = None) -> None:
    """Raise AddressBlocked when `host` is or resolves to a blocked address.

    A name that does not resolve now passes: the check runs again at every connect.
    """
    host = host.strip("[]")
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        ip = None
    if ip is not None:
        addresses = [host]
    else:
        try:
            addresses = [info[4][0] for info in resolve(host, port)]
        except (socket.gaierror, UnicodeError):
            return
    for address in addresses:
        if is_blocked_ip(address):
            raise AddressBlocked(_blocked_message(host, address))


def _blocked_message(host, address):
    if host.strip("[]") == address:
        return f"{address} is not a public address"
    return f"{host} resolves to a non-public address ({address})"


class _GuardedConnectionMixin:
    """Resolve once, refuse blocked addresses, connect to exactly the checked address."""

    def _new_conn(self):
        try:
            infos = resolve(self._dns_host, self.port)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        for info in infos:
            if is_blocked_ip(info[4][0]):
                raise AddressBlocked(_blocked_message(self.host, info[4][0]))
        error = None
        for info in infos:
            try:
                return connection.create_connection(
                    (info[4][0], self.port), self.timeout, source_address=self.source_address,
                    socket_options=self.socket_options)
            except socket.timeout as exc:
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out") from exc
            except OSError as exc:
                error = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}")


class GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose every new connection goes through the guard."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": GuardedHTTPConnectionPool,
                                                   "https": GuardedHTTPSConnectionPool}
