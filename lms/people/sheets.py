"""One-time password sheets: a printable PDF and a CSV, kept under instance/sheets/."""

import contextlib
import io
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader, PdfWriter

from lms.auth.models import User
from lms.core.clock import utcnow
from lms.core.errors import NotFound
from lms.core.files import private_folder, write_atomic
from lms.core.links import public_url
from lms.core.pdf import render_pdf
from lms.core.phones import format_phone
from lms.core.qr import qr_png_data_uri
from lms.core.spreadsheets import csv_bytes, text_cell
from lms.core.transactions import service
from lms.extensions import db
from lms.people.csvfiles import ImportFailed
from lms.people.lookalikes import flag_if_imitating
from lms.people.models import PasswordSheet
from lms.people.services import Issued, NewPerson, add_issued, import_users

PRIVATE = 0o600  # the sheets hold passwords: readable by the server's user only
NOT_SAVED = _l(
    "The password sheet could not be saved on the server (disk full or folder not writable). "
    "Nobody was registered."
)


def sheets_dir() -> Path:
    """Where sheets are written (created on first use)."""
    return private_folder(Path(current_app.instance_path) / "sheets")


def sheet_csv(issued: list[Issued]) -> bytes:
    """CSV with name, phone, region and one-time password per person."""
    header = ["name", "phone", "region", "role", "one_time_password"]
    return csv_bytes(header, (_sheet_line(item) for item in issued))


def _sheet_line(item: Issued) -> list[str]:
    """One person's cells of the sheet CSV."""
    user = item.user
    region = user.region.code if user.region else ""
    return [text_cell(user.name), format_phone(user.phone), region, user.role, item.password]


SLIPS_PER_PART = 100  # slips laid out at a time: a worker holds one part's layout, never the sheet's


def sheet_pdf(issued: list[Issued], progress: Callable[[int], None] | None = None) -> bytes:
    """A printable A4 sheet, one cut-out slip per person in their own language (English
    after it), with the sign-in address and a QR code to it, each slip numbered "n / total".

    Rendered a part of SLIPS_PER_PART slips at a time and the parts joined (pypdf): laid out
    whole, 1,000 slips held about 245 MB in the worker. `progress(k)` after each part."""
    address = public_url("auth.login")
    context = {
        "format_phone": format_phone,
        "labels": {lang: _slip_words(lang, address) for lang in {item.user.lang for item in issued} | {"en"}},
        "qr": qr_png_data_uri(address),
        "total": len(issued),
    }
    parts = [issued[start : start + SLIPS_PER_PART] for start in range(0, len(issued), SLIPS_PER_PART)] or [
        []
    ]
    if len(parts) == 1:
        return _sheet_part(parts[0], 0, context, progress)
    sheet = PdfWriter()
    for number, part in enumerate(parts):
        sheet.append(PdfReader(io.BytesIO(_sheet_part(part, number * SLIPS_PER_PART, context, progress))))
    sheet.add_metadata({"/Title": _("One-time passwords")})
    written = io.BytesIO()
    sheet.write(written)
    return written.getvalue()


def _sheet_part(
    part: list[Issued], first: int, context: dict, progress: Callable[[int], None] | None
) -> bytes:
    """The PDF of some slips, the first of them number `first` + 1 on the sheet."""
    pdf = render_pdf("people/password_sheet.html", issued=part, first=first, **context)
    if progress:
        progress(len(part))
    return pdf


def _slip_words(lang: str, address: str) -> dict[str, str]:
    """A slip's words in one language ("until" keeps its %(date)s for each person's date)."""
    with force_locale(lang):
        return {
            "number": _("Mobile number"),
            "password": _("One-time password"),
            "how": _(
                "Sign in at %(address)s with your mobile number and this password, then choose "
                "your own password.",
                address=address,
            ),
            "until": _("It works until %(date)s."),  # unformatted: each slip gives its date
        }


def import_with_sheet(
    data: bytes,
    filename: str,
    actor: User | None,
    directory: Path | None = None,
    progress: Callable[[int], None] | None = None,
    allowed: Callable[[NewPerson], None] | None = None,
    then: Callable[[list[Issued]], None] | None = None,
    token: str | None = None,
    sheet_progress: Callable[[int], None] | None = None,
) -> tuple[list[Issued], str]:
    """Import users and write their sheet; commit only when both succeeded.

    `allowed` replaces the usual scope check per person; `then` runs before the commit
    (e.g. to add everyone to a batch). Returns the users and the sheet token
    (files `<token>.pdf`/`.csv`; a job passes its own, so it can tell it already ran).
    The passwords are hashed and the sheet rendered before anything is written, so the
    database is held for writing only for the inserts.
    """
    token = token or secrets.token_urlsafe(24)
    paths: list[Path] = []
    try:
        directory = directory or sheets_dir()
        private_folder(directory)
        paths = [directory / f"{token}.csv", directory / f"{token}.pdf"]
        issued = _import_and_write(
            data, filename, actor, paths, progress, allowed, then, token, sheet_progress
        )
    except BaseException as error:  # rolled back: no person is left without their sheet
        for path in paths:
            _remove(path)
        if isinstance(error, OSError):  # a full disk or an unwritable instance/ folder
            current_app.logger.error("password sheet not saved: %s", error)
            raise ImportFailed([str(NOT_SAVED)]) from error
        raise
    return issued, token


@service
def _import_and_write(
    data: bytes,
    filename: str,
    actor: User | None,
    paths: list[Path],
    progress: Callable[[int], None] | None,
    allowed: Callable[[NewPerson], None] | None,
    then: Callable[[list[Issued]], None] | None,
    token: str,
    sheet_progress: Callable[[int], None] | None,
) -> list[Issued]:
    """The import of `import_with_sheet`, one unit of work: the people, then the sheet's two
    files, then the people written and committed."""
    issued = import_users(data, filename, actor, progress, allowed)
    write_atomic(paths[0], sheet_csv(issued), mode=PRIVATE)
    write_atomic(paths[1], sheet_pdf(issued, sheet_progress), mode=PRIVATE)
    add_issued(issued)
    for item in issued:
        flag_if_imitating(actor, item.user)
    if then is not None:
        then(issued)
    if actor is not None:
        db.session.add(PasswordSheet(token=token, created_by_id=actor.id, user_count=len(issued)))
    return issued


def _remove(path: Path) -> None:
    """Delete a file if it is there; never mask the error being handled."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _own_sheet(actor: User, token: str) -> PasswordSheet:
    """The sheet with this token if this actor made it, else NotFound."""
    query = db.select(PasswordSheet).filter_by(token=token, created_by_id=actor.id)
    sheet = db.session.execute(query).scalar_one_or_none()
    if sheet is None:
        raise NotFound
    return sheet


def sheet_file(actor: User, token: str, suffix: str) -> Path:
    """The sheet file if this actor created it and it still exists, else NotFound."""
    _own_sheet(actor, token)
    path = sheets_dir() / f"{token}.{suffix}"
    if not path.is_file():
        raise NotFound
    return path


@service
def remove_old_sheets() -> int:
    """Delete sheets older than SHEETS_KEEP_DAYS, files and records (housekeeping); how many."""
    cutoff = utcnow() - timedelta(days=current_app.config["SHEETS_KEEP_DAYS"])
    old = (
        db.session.execute(db.select(PasswordSheet).where(PasswordSheet.created_at < cutoff)).scalars().all()
    )
    for sheet in old:
        for suffix in ("pdf", "csv"):
            _remove(sheets_dir() / f"{sheet.token}.{suffix}")
        db.session.delete(sheet)
    return len(old)


@service
def delete_sheet(actor: User, token: str) -> None:
    """Remove a sheet's files and record once it has been handed out."""
    sheet = _own_sheet(actor, token)
    for suffix in ("pdf", "csv"):
        (sheets_dir() / f"{token}.{suffix}").unlink(missing_ok=True)
    db.session.delete(sheet)
