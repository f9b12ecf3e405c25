"""The office side of sync with headquarters: engine, HTTP client, status and scheduling."""
