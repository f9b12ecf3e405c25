"""Headquarters: the register's owner, its change feed, office enrolment and the HTTP API."""
