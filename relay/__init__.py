"""The office relay: the office tier of the sync protocol.

It holds the office's scope in its own store (headquarters' schema: SQLite by default, or
PostgreSQL), serves the protocol to the office's workstations on the LAN, applies their
commands at once so the other workstations see them within seconds, and syncs upstream with
headquarters as the office, which stays the authority: a workstation's command is settled only
by headquarters' answer, which the relay passes back down.
"""
