"""Hello world in Flask: the yardstick the `pages` benchmark divides by (gunicorn bench.hello:app)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The smallest page Flask can serve."""
    return "Hello, World!"


@app.get("/healthz")
def healthz() -> str:
    """What tests/servers.py polls before a benchmark starts."""
    return "ok"
