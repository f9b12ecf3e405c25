"""The self-service kiosk of the office hall (`counterdesk kiosk`).

Full screen and touch-first: the citizen swipes the card or types the card or ID number on an
on-screen keypad, proves who they are with the card PIN or the query password, sees their own
contributions and balances, and may print their rights record. After a short idle time, or
when the card is taken out, everything of that citizen is destroyed and the welcome comes back.
"""
