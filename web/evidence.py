"""Captured evidence in the browser: screenshots, the rendered page in a sandboxed frame, the
WARC as a download. Only files a capture's record names are ever served."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_file
from flask_login import login_required

from casebook.models import Capture
from web.auth import require_role, visible_or_404
from web.db import db_session

bp = Blueprint("evidence", __name__, url_prefix="/captures")
MIMETYPES = {
    "screenshot": "image/png",
    "rendered_html": "text/html",
    "warc": "application/warc",
}


@bp.get("/<int:capture_id>/<role>")
@login_required
def file(capture_id: int, role: str):
    if role not in MIMETYPES:
        abort(404)
    with db_session() as session:  # evidence of a listing the user may not read: as missing
        visible_or_404(session, "capture", capture_id)
    if role == "screenshot":  # an inert picture: anyone who may read the findings
        return _send(capture_id, role)
    return _page_as_captured(capture_id, role)


@require_role("analyst")
def _page_as_captured(capture_id: int, role: str):
    # The page as the seller served it (HTML, WARC) is hostile content: analysts handle it,
    # viewers see the findings and the screenshot.
    return _send(capture_id, role)


def _send(capture_id: int, role: str):
    with db_session() as session:
        capture = session.get(Capture, capture_id) or abort(404)
        entry = next((f for f in capture.files if f["role"] == role), None) or abort(404)
        path = _evidence_path(capture.manifest_path, entry["path"])
    response = send_file(
        path, mimetype=MIMETYPES[role], as_attachment=role == "warc",
        download_name=f"capture-{capture_id}-{Path(entry['path']).name}",
    )  # fmt: skip
    if role == "rendered_html":
        # A captured page is hostile: no scripts, no same-origin access, even opened directly.
        response.headers["Content-Security-Policy"] = (
            "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
        )
    return response


def _evidence_path(manifest_path: str, name: str) -> Path:
    data_dir = current_app.config["PATROLI"].data_dir.resolve()
    path = (data_dir / manifest_path).parent.joinpath(name).resolve()
    if data_dir not in path.parents or not path.is_file():
        abort(404)
    return path
