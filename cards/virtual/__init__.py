"""A virtual social security card: its contents, its APDU behaviour, and two ways to plug it in.

`CardProfile` says what the card holds; `VirtualCard` answers APDUs from it;
`InProcessTransport` is a reader in this process (training mode, tests); `VpcdLink` inserts
the card into pcscd's virtual reader, so that PC/SC clients see a real reader and card.
"""

from cards.virtual.card import VirtualCard
from cards.virtual.faults import Fault, parse_faults
from cards.virtual.profile import CardProfile
from cards.virtual.transport import InProcessTransport
from cards.virtual.vpcd import VPCD_PORT, VPCD_READERS, LinkEnd, VpcdLink

__all__ = [
    "VPCD_PORT",
    "VPCD_READERS",
    "CardProfile",
    "Fault",
    "InProcessTransport",
    "LinkEnd",
    "VirtualCard",
    "VpcdLink",
    "parse_faults",
]
