"""Sahayak LMS: a learning-management microsite for the digital sahayak cascade."""

import logging
import os
from pathlib import Path

import click
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from lms.config import address_for_this_machine_only, load_config
from lms.files import foreign_owner, owner_name
from lms.ids import IdConverter

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, commands."""
    instance = instance_path(test_config)
    if click.get_current_context(silent=True) is not None:  # a `flask` command
        refuse_another_users_instance(Path(instance))
    app = Flask(
        __name__,
        instance_path=instance,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    load_config(app, test_config)
    if address_for_this_machine_only(app) and not app.config["TESTING"]:
        # The module's logger, not app.logger: asking for that one adds Flask's handler, and
        # every later line would be printed twice where logging is configured already.
        logging.getLogger(__name__).warning(
            "PUBLIC_BASE_URL is %s: certificates will print an address only this machine opens. "
            "Set it to the site's public address (docs/configuration.md) before issuing any.",
            app.config["PUBLIC_BASE_URL"],
        )
    app.extensions["lms.factory"] = create_app  # for commands that start worker processes
    configure_proxy(app)
    app.url_map.converters["int"] = IdConverter  # before any route: <int:id> bounded to what ids hold
    configure_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    register_jobs(app)
    register_commands(app)
    return app


def refuse_another_users_instance(instance: Path) -> None:
    """Stop a command run as another user than the one instance/ belongs to (root, in the
    service's checkout) before it writes anything: a PDF folder, a SQLite -wal file or the
    secret key made by root is one the site cannot use (downloads answered 503)."""
    owner = foreign_owner(instance)
    if owner is not None:
        raise SystemExit(
            f"Error: {instance} belongs to {owner}; run this command as {owner}, e.g. bin/lms … "
            f"(docs/deploy.md), not as {owner_name(os.geteuid())}."
        )


def instance_path(test_config: dict | None) -> str:
    """instance/ beside the package, unless a test or LMS_INSTANCE_PATH says otherwise."""
    chosen = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("LMS_INSTANCE_PATH")
    return str(Path(chosen or PROJECT_ROOT / "instance").resolve())


def configure_proxy(app: Flask) -> None:
    """Trust X-Forwarded-* only from as many proxies as configured."""
    x_for, x_proto = app.config["PROXY_FIX_X_FOR"], app.config["PROXY_FIX_X_PROTO"]
    if x_for or x_proto:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(x_for), x_proto=int(x_proto))


def configure_extensions(app: Flask) -> None:
    """Bind every extension to this app."""
    from lms import assets, bodies, database, i18n, schema, security, templating
    from lms.auth.loader import init_login
    from lms.extensions import csrf, db, limiter, migrate
    from lms.throttle import (
        checks,
        storage,  # registers the database:// rate-limit storage
    )

    bodies.init_app(app)
    database.init_app(app)
    schema.init_app(app)  # first of the request hooks: the others may query
    migrate.init_app(app, db, render_as_batch=True, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    storage.init_app(app)
    limiter.init_app(app)
    checks.init_app(app)
    init_login(app)
    i18n.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    assets.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Attach each feature's views."""
    from lms import errors, health, metrics
    from lms.auth.views import bp as auth_bp
    from lms.batches.views import bp as batches_bp
    from lms.certificates.views import bp as certificates_bp
    from lms.courses.views import bp as courses_bp
    from lms.jobs.views import bp as jobs_bp
    from lms.learning import views as learning
    from lms.main.views import bp as main_bp
    from lms.people.views import bp as people_bp
    from lms.reports.views import bp as reports_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(courses_bp)
    app.register_blueprint(learning.bp)
    app.register_blueprint(batches_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(jobs_bp)
    learning.init_app(app)
    app.register_blueprint(health.bp)
    metrics.init_app(app)
    errors.init_app(app)


def register_hooks(app: Flask) -> None:
    """Let packages answer the questions of the packages below them (lms/hooks.py)."""
    from lms.batches import hooks as batch_hooks
    from lms.certificates import hooks as certificate_hooks
    from lms.learning import hooks as learning_hooks
    from lms.reports import hooks as report_hooks

    learning_hooks.init_app(app)
    batch_hooks.init_app(app)
    certificate_hooks.init_app(app)
    report_hooks.init_app(app)


def register_jobs(app: Flask) -> None:
    """The background job queue, and the kinds of jobs each package runs on it."""
    from lms.certificates import jobs as certificate_jobs
    from lms.jobs import queue
    from lms.people import jobs as people_jobs

    queue.init_app(app)
    certificate_jobs.init_app(app)
    people_jobs.init_app(app)


def register_commands(app: Flask) -> None:
    """Attach the `flask` command groups."""
    from lms.backup import backup_command, restore_command
    from lms.certificates.cli import certificates_cli
    from lms.courses.cli import courses_cli
    from lms.demo.cli import demo_command
    from lms.jobs.cli import jobs_cli
    from lms.people.cli import regions_cli, users_cli
    from lms.reports.cli import reports_cli

    app.cli.add_command(regions_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(courses_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(reports_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
