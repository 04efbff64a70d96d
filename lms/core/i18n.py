"""Language choice: the user's preference, else the session's, else the browser's."""

from datetime import date, datetime
from pathlib import Path

from babel.dates import format_date
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations, to_user_timezone
from flask_login import current_user

from lms.core.clock import as_utc
from lms.extensions import babel

# Each language named in its own script, so anyone can find theirs. Display data only: the
# languages offered are the LANGUAGES setting.
LANGUAGE_NAMES = {"en": "English", "bn": "বাংলা", "hi": "हिन्दी"}


def select_locale() -> str:
    """Pick the language for this request."""
    offered = languages()
    if not has_request_context():  # command line: the configured default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.lang in offered:
        return current_user.lang
    return browser_language()


def browser_language() -> str:
    """The language this browser chose (the session's), else the one it asks for, else the
    default: the choice without the account (pages that must not load the user)."""
    offered = languages()
    if session.get("lang") in offered:
        return session["lang"]
    return request.accept_languages.best_match(offered) or current_app.config["BABEL_DEFAULT_LOCALE"]


def languages() -> list[str]:
    """The language codes offered, in the configured order."""
    return list(current_app.config["LANGUAGES"])


def language_list() -> str:
    """The configured codes for messages, e.g. "en, bn, hi"."""
    return ", ".join(languages())


def catalogue():
    """The catalogue of the language in use, looked up once per request and language:
    Flask-Babel looks it up again for every string (about 10 µs each, 20-odd strings a page).
    Keyed by the locale object, so `force_locale` (a poster, a certificate) gets its own."""
    if not g:  # no app context: Flask-Babel's own answer (the default catalogue)
        return get_translations()
    here = g._get_current_object()  # once: each use of the proxy looks the context up again
    locale = getattr(getattr(here, "_flask_babel", None), "babel_locale", None)
    cached = getattr(here, "_lms_catalogue", None)
    if cached is not None and locale is not None and cached[0] is locale:
        return cached[1]
    found = get_translations()  # sets the locale on its first call in a request
    here._lms_catalogue = (here._flask_babel.babel_locale, found)
    return found


def current_language() -> str:
    """The language code of the page being rendered."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and expose the language to templates."""
    translations = str(Path(__file__).parent.parent / "translations")
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=translations)
    app.jinja_env.install_gettext_callables(  # in place of Flask-Babel's, through catalogue()
        gettext=lambda text: catalogue().ugettext(text),
        ngettext=lambda singular, plural, n: catalogue().ungettext(singular, plural, n),
        pgettext=lambda context, text: catalogue().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: catalogue().unpgettext(context, singular, plural, n),
        newstyle=True,
    )

    @app.context_processor
    def language_context():
        return {
            "current_language": current_language(),
            "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in languages()],
            "language_names": LANGUAGE_NAMES,
        }


# Digits as each language writes them in running text (English: the usual 0-9).
NATIVE_DIGITS = {
    "bn": str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"),
    "hi": str.maketrans("0123456789", "०१२३४५६७८९"),
}


def date_in_words(day: date | datetime | str, lang: str) -> str:
    """A date with the month in words and the language's own digits: 29 November 2026,
    ২৯ নভেম্বর ২০২৬, २९ नवंबर २०२६ (certificates and their check; `day` may be ISO text,
    or a stored moment, taken on the programme's calendar)."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    elif isinstance(day, datetime):
        day = to_user_timezone(as_utc(day)).date()
    written = format_date(day, "d MMMM y", locale=lang)
    return written.translate(NATIVE_DIGITS.get(lang, {}))
