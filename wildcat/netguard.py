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


_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")            # deprecated ::a.b.c.d
_SIIT = ipaddress.ip_network("::ffff:0:0:0/96")             # IPv4-translated
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def embedded_ipv4(ip) -> list:
    """The IPv4 addresses an IPv6 address carries (mapped, compatible, SIIT, NAT64, 6to4,
    Teredo): each reaches that IPv4 host through a translator or the kernel."""
    if ip.version != 6:
        return []
    found = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if (ip in _IPV4_COMPATIBLE and int(ip) > 1) or ip in _SIIT or \
            any(ip in net for net in _NAT64):
        found.append(low32)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def is_blocked_ip(text: str) -> bool:
    """True for any address that is not a public unicast one, including an IPv6 address
    that embeds a non-public IPv4 one and the deprecated site-local fec0::/10."""
    ip = ipaddress.ip_address(text.split("%", 1)[0])
    if ip.version == 6 and (ip.is_site_local or
                            any(_blocked(v4) for v4 in embedded_ipv4(ip))):
        return True
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return _blocked(ip)


def _blocked(ip) -> bool:
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
