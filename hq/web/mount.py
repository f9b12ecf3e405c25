"""Mount headquarters' web pages on its API app."""

from __future__ import annotations

from fastapi import FastAPI

from hq.web import download, hotline, selfquery, verify


def mount(app: FastAPI) -> None:
    """Serve the online self-query, the public verification page and the 12333 hotline
    console from `app`."""
    app.state.selfquery = selfquery.WebState()
    app.include_router(selfquery.router)
    app.include_router(verify.router)
    app.include_router(download.router)
    app.state.hotline = hotline.DeskState()
    app.include_router(hotline.router)
