"""The demo's letters for its takedown list: the recommendations to IdEA and Komdigi, a Surat
Tembusan to Dit. Was and a Rekomendasi Pelaku to Dit. Intelijen (theirs to answer), all sent
today, and IdEA's answer recorded. Komdigi's stages (Surat Teguran 1 and 2, blocking) follow a
platform's missed deadline, 24 hours after the sending day at the earliest: a fresh demo has
none to record, and it does not pretend one."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date

from casebook.config import Config
from casebook.letters import office
from casebook.services import letters
from patroli.wiring import Casebook

ANALYST = "analis"
# (kind, recipient): None routes the recommendation to each platform's recipient.
LETTERS = (
    ("rekomendasi_takedown", None),
    ("tembusan", "dit_was"),
    ("rekomendasi_pelaku", "dit_intelijen"),
)


def send_letters(casebook: Casebook, config: Config, list_id: int, today: date,
                 step: Callable) -> None:  # fmt: skip
    with_pdf = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None
    settings = office.load(config.data_dir)
    with casebook.sessions() as session, session.begin():
        made = [letter for kind, to in LETTERS
                for letter in letters.make_letters(session, list_id, kind, actor=ANALYST,
                                                   office=settings, recipient=to,
                                                   with_pdf=with_pdf)]  # fmt: skip
        for letter in made:
            letters.mark_sent(session, letter.id, today, actor=ANALYST,
                              platform_hours=settings.platform_hours,
                              follow_up_days=settings.follow_up_days)  # fmt: skip
        summary = [f"{letter.number} -> {letter.recipient} ({letter.link_count} links)"
                   for letter in made]  # fmt: skip
        answered = _answer(session, made, today)
    step("letters, sent today: " + "; ".join(summary))
    for line in answered:
        step(line)
    if not with_pdf:
        step("LibreOffice is not installed: the letters have DOCX and XLSX, no PDF")


def _answer(session, made, today: date) -> list[str]:
    """IdEA asks for more evidence. Dit. Was and Dit. Intelijen have not answered yet: their
    reviewers find the letters waiting."""
    said = []
    by_recipient = {(x.kind, x.recipient): x for x in made}
    idea = by_recipient.get(("rekomendasi_takedown", "idea"))
    if idea is not None and not letters.responses(session, idea.id):
        letters.record_response(session, idea.id, "more_info", received_on=today, actor=ANALYST,
                                note="IdEA meminta tangkapan layar halaman penjual")  # fmt: skip
        said.append(f"response from IdEA recorded on {idea.number}: more information asked")
    return said
