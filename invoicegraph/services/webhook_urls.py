"""Whether a URL may receive webhooks now: the domain's rules (``domain.webhooks``) applied to
the URL and to every address its host resolves to at this moment.

A name that resolves to a private or loopback address is refused like the address itself, so
``https://localhost`` or a name pointing into the LAN cannot reach the server's neighbours.
DNS can change after the check, which is why delivery checks again.
"""

from __future__ import annotations

import asyncio
import socket

from invoicegraph.domain.webhooks import UrlRefused, check_addresses, check_url, literal_address

RESOLVE_TIMEOUT_SECONDS = 5.0


async def resolve_endpoint_url(url: str, *, allow_private: bool) -> list[str]:
    """The addresses ``url``'s host resolves to, each acceptable, or ``UrlRefused`` naming
    the problem (a refused scheme, a private address, a host that does not resolve)."""
    _, host, port = check_url(url, allow_private=allow_private)
    literal = literal_address(host)
    if literal is not None:
        return [str(literal)]
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
            answers = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, TimeoutError, UnicodeError):
        raise UrlRefused(f"host {host} does not resolve") from None
    return check_addresses((str(answer[4][0]) for answer in answers), allow_private=allow_private)
