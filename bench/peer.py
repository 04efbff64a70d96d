"""The peer: what a careful Flask engineer builds for a signed-in page, and nothing more (the
yardstick of `bench pages`; gunicorn bench.peer:app).

Flask-Login with a user loader of one query, Flask-SQLAlchemy on the site's own SQLite file,
and a 16 KB Jinja page (a layout with header and menu, the lesson's text, a quiz form) that
links the site's stylesheet. The lesson's HTML is read once at start: per request the peer
pays for the session cookie, one SELECT and the template, as any small Flask app does.
Settings come from the same LMS_* variables as the site (the database, the secret key)."""

import os

from flask import Flask, abort, redirect, render_template, request
from flask_login import LoginManager, UserMixin, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()
login_manager = LoginManager()


class Person(UserMixin, db.Model):
    """The site's user table, as much of it as a page needs."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(2))
    role: Mapped[str] = mapped_column(String(16))


@login_manager.user_loader
def load_user(user_id: str) -> Person | None:
    """One query per request, as Flask-Login's documentation shows."""
    return db.session.get(Person, int(user_id))


def lesson_html(slug: str) -> tuple[str, str]:
    """The lesson's title and HTML from the site's database (read once, at start)."""
    row = db.session.execute(
        db.text("SELECT title, html FROM lesson WHERE slug = :slug ORDER BY id DESC LIMIT 1"), {"slug": slug}
    ).one()
    return row.title, row.html


def create_app() -> Flask:
    app = Flask(__name__, template_folder="templates/peer", static_folder=None)
    app.config["SECRET_KEY"] = os.environ["LMS_SECRET_KEY"]
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["LMS_SQLALCHEMY_DATABASE_URI"]
    db.init_app(app)
    login_manager.init_app(app)
    with app.app_context():
        title, html = lesson_html(os.environ["LMS_PEER_LESSON"])

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    @app.post("/login")
    def login():
        """Sign in by number (a benchmark's yardstick: the site's own sign-in is measured elsewhere)."""
        person = db.session.execute(select(Person).filter_by(phone=request.form["phone"])).scalar()
        if person is None:
            abort(403)
        login_user(person)
        return redirect("/lesson")

    @app.get("/lesson")
    @login_required
    def lesson() -> str:
        return render_template("lesson.html", title=title, html=html)

    return app


app = create_app()
