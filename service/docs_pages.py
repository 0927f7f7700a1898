"""`/docs` (Swagger UI) and `/redoc` (ReDoc) served offline: the assets come from the
fastapi-offline package, installed with the service, never from a CDN — an intranet without
internet gets working docs. No inline script: Swagger UI starts from service/static/docs.js.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from gradegate.service.web_security import DOCS_CSP

ASSETS = "/docs-assets"
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
router = APIRouter(include_in_schema=False)

_SWAGGER = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gradegate API · Swagger UI</title>
<link rel="icon" href="{ASSETS}/favicon.png"><link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head><body><div id="swagger-ui" data-openapi-url="/openapi.json"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script><script src="/static/docs.js"></script>
</body></html>"""

_REDOC = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gradegate API · ReDoc</title>
<link rel="icon" href="{ASSETS}/favicon.png"></head><body>
<redoc spec-url="/openapi.json" disable-search="false" hide-download-button="false"></redoc>
<script src="{ASSETS}/redoc.standalone.js"></script>
</body></html>"""


@lru_cache(maxsize=1)
def _redoc_script() -> bytes:
    # ReDoc's side menu always shows the vendor's logo from its CDN: served from here instead,
    # so the page asks no other site for anything.
    script = (files("fastapi_offline") / "static" / "redoc.standalone.js").read_bytes()
    return script.replace(REDOC_LOGO, f"{ASSETS}/favicon.png".encode())


@router.get(f"{ASSETS}/redoc.standalone.js")
async def redoc_script() -> Response:
    return Response(_redoc_script(), media_type="text/javascript")


def _page(html: str) -> HTMLResponse:
    return HTMLResponse(html, headers={"Content-Security-Policy": DOCS_CSP})


@router.get("/docs")
async def swagger() -> HTMLResponse:
    return _page(_SWAGGER)


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    return _page(_REDOC)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount(ASSETS, StaticFiles(packages=[("fastapi_offline", "static")]), name="docs-assets")
