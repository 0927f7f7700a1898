"""The security headers of every answer, in one middleware: pages inherit them by being served.

- every answer: `X-Content-Type-Options: nosniff` (a JSON or CSV body is never sniffed into HTML);
- every HTML answer: a Content-Security-Policy, `X-Frame-Options: DENY`, a Referrer-Policy.

The default policy allows scripts and styles only from our own files (no inline script,
no inline style: styles live in service/static/*.css), nothing from another site, and no
framing (`frame-ancestors 'none'`). A route with other needs sets its own
Content-Security-Policy header, which is then kept: the API docs (Swagger UI and ReDoc
inject their styles at run time) and the portfolio report (a single self-contained file
with one inline <style>, and no script at all).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# Swagger UI and ReDoc (packaged, served from our own origin) set styles from script; ReDoc searches in a worker.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'"
)
# The portfolio report: no script may run; its one inline <style> may (the file must stay self-contained).
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)
REFERRER_POLICY = "same-origin"


class SecurityHeaders:
    """Pure ASGI (no BaseHTTPMiddleware): adds the headers as the response starts, streams untouched."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", PAGE_CSP)
                    headers.setdefault("X-Frame-Options", "DENY")
                    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
            await send(message)

        await self.app(scope, receive, send_with_headers)
