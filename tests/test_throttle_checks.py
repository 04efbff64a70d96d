"""Flask-Limiter works out limits only for endpoints that carry one (lms/core/throttle/checks.py):
the per-request work is skipped elsewhere, and limited endpoints are checked as before."""

from lms.core.throttle.checks import limited_endpoints
from lms.extensions import limiter


def resolutions(monkeypatch) -> list[str]:
    """The endpoints Flask-Limiter works out limits for, from now on."""
    seen: list[str] = []
    resolve = limiter.limit_manager.resolve_limits

    def counted(app, endpoint, *args, **kwargs):
        seen.append(endpoint)
        return resolve(app, endpoint, *args, **kwargs)

    monkeypatch.setattr(limiter.limit_manager, "resolve_limits", counted)
    return seen


def test_pages_without_a_limit_skip_the_limiter(client, auth, world, monkeypatch):
    auth.login(world.sahayak_kol)
    seen = resolutions(monkeypatch)
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200
    assert seen == []


def test_a_limited_endpoint_is_still_checked(client, world, monkeypatch, app):
    assert "certificates.verify" in limited_endpoints(app)
    seen = resolutions(monkeypatch)
    client.get("/verify/AAAAABBBBBCCCCD")
    assert "certificates.verify" in seen
