"""The console's static files: `GET /static/<name>` serves only the files shipped in
bot/console/static/ (listed once, when the app is made), with their content type.

Anything else (a directory such as `/static/` or `/static/vendor`, `..`, an unknown or
encoded name) is a plain 404 that logs nothing. Sanic's own static handler answered a
directory with an OSError (mapped to 503) and logged the requested path.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from sanic import Sanic, response
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

STATIC = Path(__file__).parent / "static"
TYPES = {".js": "text/javascript", ".css": "text/css", ".md": "text/markdown"}  # not the system's guess


def shipped(root: Path = STATIC) -> dict[str, tuple[Path, str]]:
    """{"vendor/chart.js": (path, content type)} for every file under `root`."""
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            ctype = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if ctype.startswith("text/"):
                ctype += "; charset=utf-8"
            files[path.relative_to(root).as_posix()] = (path, ctype)
    return files


def register(app: Sanic) -> None:
    files = shipped()

    async def asset(request: Request, name: str) -> HTTPResponse:
        found = files.get(name)
        if found is None:
            raise NotFound("not found")
        path, ctype = found
        return await response.file(path, mime_type=ctype)

    app.add_route(asset, "/static/<name:path>", methods=["GET", "HEAD"], name="static")
