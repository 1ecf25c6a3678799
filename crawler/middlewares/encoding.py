"""Pages whose bytes are not in the charset they declare (windows-1252 sent as UTF-8 is
common on small shop sites) are re-decoded instead of filled with replacement characters."""

from __future__ import annotations

import logging

from scrapy.http import TextResponse
from w3lib.encoding import html_body_declared_encoding

logger = logging.getLogger(__name__)


class EncodingRepairMiddleware:
    def process_response(self, request, response, spider=None):
        if not isinstance(response, TextResponse) or not response.body:
            return response
        try:
            response.body.decode(response.encoding)
            return response
        except (UnicodeDecodeError, LookupError):
            pass
        declared = html_body_declared_encoding(response.body)
        for candidate in (declared, "cp1252"):
            if candidate and candidate.lower() != response.encoding.lower():
                try:
                    response.body.decode(candidate)
                except (UnicodeDecodeError, LookupError):
                    continue
                logger.info("%s: bytes are %s, not %s", response.url, candidate, response.encoding)
                return response.replace(encoding=candidate)
        return response
