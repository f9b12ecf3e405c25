"""Headquarters: the register's owner, its change feed, office enrolment and the HTTP API.

`store` opens the database (PostgreSQL or SQLite) and serialises feed writers; `schema` holds
the tables; `register` writes rows and appends `feed` changes; offices are enrolled by
`offices`, read through `bootstrap`, `feed`, `digest` and `persons`, and write through
`commands` and `audit`; `statements` verifies QR codes; `api` and `routes` serve it all over
HTTP; `demo` seeds a demo city; `cli` is `counterdesk hq ...`. Imports `models` only.
"""
