"""Sign-in throttling, as pure rules: which source an attempt is counted under, how long a
source waits after failing, and when an account's lock holds.

After NCSC's password guidance: throttle rather than lock people out for good, so that
a stranger guessing cannot keep the real person out. ``data_access.users.check_password``
keeps the counts in the store; the numbers are here.

- A source (an IP address; an IPv6 /64) may fail ``SOURCE_FREE_FAILURES`` times; then it waits
  ``SOURCE_FIRST_WAIT``, doubled for each further failure up to ``SOURCE_LONGEST_WAIT``. While
  it waits, whatever it sends is refused without being checked. Its count is forgotten
  ``SOURCE_FORGET_AFTER`` after its last failure.
- An account that fails ``ACCOUNT_FAILURES`` times (from anywhere) is locked for
  ``LOCK_FOR`` against sources that have failed recently; a source with no recent failure
  (the real person, elsewhere) is still checked, and the right password signs in.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

ACCOUNT_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
SOURCE_FREE_FAILURES = 5
SOURCE_FIRST_WAIT = timedelta(minutes=1)
SOURCE_LONGEST_WAIT = timedelta(minutes=30)
SOURCE_FORGET_AFTER = timedelta(hours=1)

# the source of an attempt with no address: Streamlit gives none for a browser on the server
LOCAL = "local"
INVALID = "invalid"
# longer than any address: anything longer is not one, and is never parsed
_LONGEST_ADDRESS = 64
# an X-Forwarded-For header is read from the right, through at most this many proxies
_MOST_PROXIES = 10

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Counter:
    """Failures counted against an account or a source, and until when it is held."""

    failures: int = 0
    until: datetime | None = None
    last_failure_at: datetime | None = None

    def holds(self, now: datetime) -> bool:
        return self.until is not None and self.until > now


def source_key(address: str | None) -> str:
    """What attempts from ``address`` are counted under: the address itself for IPv4, the
    /64 network for IPv6 (one subscriber is given a whole /64), ``local`` for none."""
    if address is None:
        return LOCAL
    parsed = _address(address)
    if parsed is None:
        return INVALID
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed.packed, 64), strict=False))
    return str(parsed)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if len(text) > _LONGEST_ADDRESS:
        return None
    try:
        return ipaddress.ip_address(text.strip().split("%")[0])
    except ValueError:
        return None


def trusted_networks(text: str) -> tuple[Network, ...]:
    """The proxies named in ``ASCGOV_TRUSTED_PROXIES`` (addresses or networks, commas
    between); ``ValueError`` naming any entry that is neither."""
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(
                f"{entry!r} is not an IP address or network (such as 10.0.0.5 or 10.0.0.0/8)"
            ) from None
    return tuple(networks)


def client_address(
    peer: str | None, forwarded_for: str | None, trusted: Sequence[Network]
) -> str | None:
    """The address of the person signing in.

    ``peer`` is the address the connection came from (None for the server itself). Only
    when it is a trusted proxy is ``forwarded_for`` (the X-Forwarded-For header) read, from
    the right: each trusted proxy appends the address it saw, so the first address from the
    right that is not a trusted proxy is the client's. Addresses further left were written
    by the client and are ignored.
    """
    hop = peer
    if not _is_trusted(hop, trusted) or not forwarded_for:
        return peer
    hops = forwarded_for.rsplit(",", _MOST_PROXIES)[-_MOST_PROXIES:]
    for entry in reversed([h.strip() for h in hops]):
        hop = entry
        if not _is_trusted(hop, trusted):
            return hop
    return hop


def _is_trusted(address: str | None, trusted: Sequence[Network]) -> bool:
    if not trusted:
        return False
    # Streamlit reports no address for a connection from the server itself (loopback)
    parsed = _address(address) if address is not None else ipaddress.ip_address("127.0.0.1")
    return parsed is not None and any(parsed in network for network in trusted)


def source_count(source: Counter, now: datetime) -> int:
    """A source's failures still remembered at ``now``."""
    last = source.last_failure_at
    return 0 if last is None or now - last > SOURCE_FORGET_AFTER else source.failures


def source_failed(source: Counter, now: datetime) -> Counter:
    """A source after one more failure: past the free ones it waits, twice as long each time."""
    failures = source_count(source, now) + 1
    until = None
    if failures >= SOURCE_FREE_FAILURES:
        doublings = min(failures - SOURCE_FREE_FAILURES, 10)
        until = now + min(SOURCE_FIRST_WAIT * 2**doublings, SOURCE_LONGEST_WAIT)
    return Counter(failures, until, now)


def account_failed(account: Counter, now: datetime) -> Counter:
    """An account after one more failure: locked at the fifth. A failure during a lock does
    not extend it (guessing every few minutes must not keep the owner out for ever); after a
    lock the count starts afresh."""
    if account.holds(now):
        return replace(account, failures=account.failures + 1, last_failure_at=now)
    expired = account.until is not None
    failures = (0 if expired else account.failures) + 1
    until = now + LOCK_FOR if failures >= ACCOUNT_FAILURES else None
    return Counter(failures, until, now)


def account_signed_in(account: Counter, now: datetime) -> Counter:
    """An account after the right password: its count starts afresh; a lock still holding
    runs its course against the sources that failed."""
    return Counter(0, account.until if account.holds(now) else None, account.last_failure_at)


def minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))
