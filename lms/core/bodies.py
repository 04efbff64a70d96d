"""How large a request body may be, by kind: files (multipart uploads: a course .zip, a CSV,
a picture) up to MAX_CONTENT_LENGTH, anything else (forms) up to MAX_FORM_MEMORY_SIZE.

Werkzeug reads an urlencoded form whole into memory and applies MAX_FORM_MEMORY_SIZE only to
multipart text parts, so without this a signed-out POST of 25 MB of form fields would be
held in a worker's memory in full."""

from flask import Flask, Request, current_app

UPLOADS = "multipart/form-data"


class BoundedRequest(Request):
    """A request whose body is bounded by its kind (a view may still set its own limit)."""

    @property
    def max_content_length(self) -> int | None:
        limit = super().max_content_length
        if self._max_content_length is not None or not current_app or self.mimetype == UPLOADS:
            return limit
        forms = current_app.config["MAX_FORM_MEMORY_SIZE"]
        return forms if limit is None else min(limit, forms)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def init_app(app: Flask) -> None:
    """Every request of the app bounded by its kind."""
    app.request_class = BoundedRequest
