"""The social security card: transport, APDUs, parsers, session, reader monitor, virtual card.

Imports nothing else of counterdesk. Only `cards.pcsc` imports pyscard (`smartcard`).
"""
