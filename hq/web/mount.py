"""Mount headquarters' web pages on its API app."""

from __future__ import annotations

from fastapi import FastAPI

from hq.web import download, selfquery, verify


def mount(app: FastAPI) -> None:
    """Serve the online self-query and the public verification page from `app`."""
    app.state.selfquery = selfquery.WebState()
    app.include_router(selfquery.router)
    app.include_router(verify.router)
    app.include_router(download.router)
