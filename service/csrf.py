"""CSRF defence for every form post, in one place: a signed token bound to a cookie, plus an Origin check.

GET of a form page sets a random nonce in a cookie (`SameSite=Strict`, `HttpOnly`) and puts
`sign(nonce)` in a hidden field (`csrf_token`). A post is accepted only when

1. its `Origin` (or, without one, its `Referer`) is this service's own origin (or one of
   GRADEGATE_FORM_ORIGINS) — a browser always sends it on a cross-site post;
2. the token's signature is valid (itsdangerous, key GRADEGATE_FORM_SECRET) and not older than
   GRADEGATE_FORM_TOKEN_MAX_AGE_S;
3. the token signs the nonce of the cookie the browser sent (a cross-site post carries no
   `SameSite=Strict` cookie; a token fetched elsewhere does not match this browser's cookie).

Pages use `issue(request, response)` and `check(request, form)`; nothing else knows the scheme.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

FIELD = "csrf_token"
COOKIE = "gg_form"


class CsrfRefused(Exception):
    """A form post that may not be acted on; the message says why (for the page and the log)."""


def _serializer(request: Request) -> URLSafeTimedSerializer:
    secret = request.app.state.form_secret
    return URLSafeTimedSerializer(secret, salt="gradegate-form")


def token_for(request: Request) -> tuple[str, str]:
    """(nonce for the cookie, token for the form): the request's own nonce when it has one."""
    nonce = request.cookies.get(COOKIE) or secrets.token_urlsafe(24)
    return nonce, _serializer(request).dumps(nonce)


def set_cookie(request: Request, response: Response, nonce: str) -> None:
    response.set_cookie(
        COOKIE,
        nonce,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def check(request: Request, form: Mapping[str, object]) -> None:
    """Return when the post is genuine; raise CsrfRefused otherwise."""
    own = f"{request.url.scheme}://{request.headers.get('host', '')}".lower()
    allowed = {own, *(o.rstrip("/").lower() for o in request.app.state.service.settings.form_origins)}
    origin = request.headers.get("origin")
    source = origin if origin and origin != "null" else None
    if source is None and request.headers.get("referer"):
        source = _origin_of(request.headers["referer"])
    if origin == "null" or (source is not None and source not in allowed):
        raise CsrfRefused(f"a form post from another site ({origin or source}) is refused")
    token = form.get(FIELD)
    cookie = request.cookies.get(COOKIE)
    if not isinstance(token, str) or not cookie:
        raise CsrfRefused("the form post carries no valid form token; reload the page and submit again")
    max_age = request.app.state.service.settings.form_token_max_age_s
    try:
        nonce = _serializer(request).loads(token, max_age=max_age)
    except BadSignature:
        raise CsrfRefused("the form token is invalid or expired; reload the page and submit again") from None
    if not isinstance(nonce, str) or not hmac.compare_digest(nonce, cookie):
        raise CsrfRefused("the form token does not belong to this browser; reload the page and submit again")
