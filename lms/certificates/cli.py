"""`flask certificates render`: pre-render PDFs in parallel processes."""

import multiprocessing
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select, update

from lms.certificates.models import Certificate
from lms.certificates.pdf import RenderFailed, current_version, pdf_path, render_certificate, write_pdf
from lms.core.transactions import service
from lms.extensions import db

certificates_cli = AppGroup("certificates", help="Certificate PDFs.")
WORKER_SETTINGS = (
    "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY",
    "PUBLIC_BASE_URL",
    "BABEL_DEFAULT_LOCALE",
    "SQLITE_BUSY_TIMEOUT_MS",
)
CHUNK = 20
_worker_app = None


@certificates_cli.command("render")
@click.option(
    "--missing/--all",
    "only_missing",
    default=True,
    help="Only certificates without a current PDF (default), or all.",
)
@click.option(
    "--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Parallel processes."
)
def render_command(only_missing: bool, workers: int) -> None:
    """Render certificate PDFs into instance/certificates/ with a progress bar."""
    todo = certificates_to_render(only_missing)
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    settings = {key: current_app.config[key] for key in WORKER_SETTINGS} | {
        "INSTANCE_PATH": current_app.instance_path
    }
    factory = current_app.extensions["lms.factory"]  # create_app, handed over: no import of the root
    context = multiprocessing.get_context("spawn")  # fresh interpreters: no inherited connections
    with (
        ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker, initargs=(factory, settings)
        ) as pool,
        click.progressbar(length=len(todo), label="Rendering certificates", file=sys.stderr) as bar,
    ):
        try:
            for results in pool.map(_render_chunk, chunks):
                record(results)
                bar.update(len(results))
        except RenderFailed as error:  # what was written before stays recorded
            pool.shutdown(cancel_futures=True)  # a full disk fails every chunk still queued
            raise click.ClickException(str(error)) from None
    click.echo(f"{len(todo)} certificate PDF(s) rendered.")


def certificates_to_render(only_missing: bool) -> list[int]:
    """Ids of valid certificates whose PDF is missing or from an older template (or all)."""
    certificates = db.session.execute(
        select(Certificate).where(Certificate.revoked_at.is_(None)).order_by(Certificate.id)
    ).scalars()
    version = current_version()
    return [
        c.id
        for c in certificates
        if not only_missing or c.pdf_template != version or not pdf_path(c).is_file()
    ]


@service
def record(results: list[tuple[int, str, str]]) -> None:
    """Store the checksums the workers computed (one writer: the parent)."""
    for cert_id, digest, version in results:
        db.session.execute(
            update(Certificate)
            .where(Certificate.id == cert_id)
            .values(pdf_sha256=digest, pdf_template=version)
        )


def _start_worker(factory: Callable[[dict], Flask], settings: dict) -> None:
    """Each worker builds its own app once: fonts and stylesheets are then reused."""
    global _worker_app
    _worker_app = factory(settings)


def _render_chunk(ids: list[int]) -> list[tuple[int, str, str]]:
    """Render and write some certificates; return (id, sha256, template version)."""
    results = []
    with _worker_app.app_context():
        for cert_id in ids:
            cert = db.session.get(Certificate, cert_id)
            results.append((cert_id, write_pdf(pdf_path(cert), render_certificate(cert)), current_version()))
        db.session.remove()
    return results
