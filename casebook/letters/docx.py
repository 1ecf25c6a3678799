"""The working copy: a letter template (.docx with Jinja tags, docxtpl) filled with its context."""

from __future__ import annotations

import zipfile
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment


class TemplateProblem(ValueError):
    """An office's template cannot be filled; the message names the template and the tag."""


def render(template: Path, context: dict[str, object], out: Path) -> Path:
    """Write `out` from `template`. Values are XML-escaped (autoescape): crawled text and an
    office's `&` stay text. The sandbox keeps a replaced template from reaching Python."""
    # imported here: `patroli` keeps working where the letters' libraries are not installed
    from docx.opc.exceptions import OpcError
    from docxtpl import DocxTemplate

    environment = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    document = DocxTemplate(str(template))
    try:
        document.render(context, jinja_env=environment)
    except TemplateError as error:
        raise TemplateProblem(f"letter template {template}: {error}") from None
    except (OpcError, zipfile.BadZipFile, KeyError) as error:
        raise TemplateProblem(f"letter template {template} is not a DOCX file ({error})") from None
    document.save(str(out))
    return out
