"""Sahayak LMS: a learning-management microsite for the digital sahayak cascade."""

import logging
import os
from pathlib import Path

import click
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from lms.config import address_for_this_machine_only, load_config
from lms.core.files import foreign_owner, owner_name
from lms.core.ids import IdConverter

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
    install_features(app)
    install_plumbing(app)
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
    from lms import templating
    from lms.auth.loader import init_login
    from lms.core import assets, bodies, database, i18n, schema, security, transactions
    from lms.core.throttle import (
        checks,
        storage,  # noqa: F401 (importing it registers the database:// rate-limit storage)
    )
    from lms.extensions import csrf, db, limiter, migrate

    bodies.init_app(app)
    database.init_app(app)
    transactions.init_app(app)
    schema.init_app(app)  # first of the request hooks: the others may query
    migrate.init_app(app, db, render_as_batch=True, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    checks.init_app(app)
    init_login(app)
    i18n.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    assets.init_app(app)


def features() -> list:
    """The domain packages' features, bottom layer first (docs/architecture.md)."""
    from lms.auth.feature import feature as auth
    from lms.batches.feature import feature as batches
    from lms.certificates.feature import feature as certificates
    from lms.courses.feature import feature as courses
    from lms.demo.feature import feature as demo
    from lms.jobs.feature import feature as jobs
    from lms.learning.feature import feature as learning
    from lms.main.feature import feature as main
    from lms.people.feature import feature as people
    from lms.reports.feature import feature as reports

    return [auth, jobs, people, courses, learning, batches, certificates, reports, main, demo]


def install_features(app: Flask) -> None:
    """Plug each domain package in: its views, commands, kinds of job, answers to the
    questions of the packages below it, permission rules and anything else it sets up."""
    from lms.auth import permissions
    from lms.core import hooks
    from lms.jobs import registry

    for feature in features():
        for blueprint in feature.blueprints:
            app.register_blueprint(blueprint)
        for command in feature.commands:
            app.cli.add_command(command)
        for kind, work in feature.jobs.items():
            registry.register(app, kind, work)
        for question, answer in feature.answers:
            hooks.register(app, question, answer)
        for name, check in feature.rules.items():
            permissions.add_rule(app, name, check, feature.name)
        if feature.setup is not None:
            feature.setup(app)


def install_plumbing(app: Flask) -> None:
    """What the app has beside its domain packages: health and metrics, error pages, the
    backup commands, `flask permissions`, and the rate-limit counters' housekeeping."""
    from lms import health, metrics
    from lms.auth.cli import permissions_command
    from lms.core import errors, hooks
    from lms.core.backup import backup_command, restore_command
    from lms.core.throttle import storage
    from lms.jobs import asks as jobs

    app.register_blueprint(health.bp)
    metrics.init_app(app)
    errors.init_app(app)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(permissions_command)
    hooks.register(app, jobs.housekeeping, storage.remove_expired)
