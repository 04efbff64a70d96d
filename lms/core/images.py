"""Pictures people upload: checked, stripped of metadata and stored as PNG we wrote ourselves."""

from dataclasses import dataclass
from io import BytesIO

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = frozenset({"PNG", "JPEG"})
MAX_PIXELS = 40_000_000  # a bigger "picture" is a decompression bomb, not a scan
SMALLEST_SIDE = 40  # anything smaller prints as a smudge


class PictureRefused(Exception):
    """An upload that is not a usable PNG or JPEG picture; the message says why."""

    def __str__(self) -> str:
        return str(self.args[0])  # a lazy string, read in the reader's language


@dataclass(frozen=True)
class Picture:
    """A checked picture, re-encoded as PNG."""

    png: bytes
    width: int
    height: int


def clean_picture(data: bytes, max_bytes: int, box: tuple[int, int]) -> Picture:
    """Check an uploaded PNG or JPEG and re-encode it: turned upright, no more than
    fitted into `box` (width, height) pixels, transparency kept, metadata (camera, place) dropped."""
    if not data:
        raise PictureRefused(_l("The file is empty."))
    if len(data) > max_bytes:
        raise PictureRefused(_l("The file is larger than %(limit)s.", limit=f"{max_bytes / 1_000_000:g} MB"))
    image = _open(data)
    image.thumbnail(box, Image.Resampling.LANCZOS)
    if min(image.size) < SMALLEST_SIDE:
        raise PictureRefused(
            _l(
                "The picture is too small to print clearly (%(width)d × %(height)d pixels).",
                width=image.width,
                height=image.height,
            )
        )
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return Picture(out.getvalue(), image.width, image.height)


def _open(data: bytes) -> Image.Image:
    """The decoded picture, upright, in RGB or RGBA, or PictureRefused."""
    try:
        image = Image.open(BytesIO(data))
        if image.format not in ACCEPTED_FORMATS:  # read from the bytes, never the file name
            raise PictureRefused(_l("Only PNG or JPEG pictures can be used."))
        if image.width * image.height > MAX_PIXELS:
            raise PictureRefused(
                _l(
                    "The picture is too large (%(width)d × %(height)d pixels).",
                    width=image.width,
                    height=image.height,
                )
            )
        _check_complete(data, image.format)
        image.load()
        image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise PictureRefused(_l("Only PNG or JPEG pictures can be used.")) from None
    except (OSError, SyntaxError, ValueError):  # truncated or damaged inside
        raise PictureRefused(_l("The picture is damaged and cannot be read.")) from None
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _check_complete(data: bytes, fmt: str) -> None:
    """Refuse a cut-off file. Decoding alone does not: WeasyPrint switches Pillow, process-wide,
    to fill the missing part of a truncated picture with grey."""
    if fmt == "PNG":
        Image.open(BytesIO(data)).verify()  # every chunk's checksum, up to the end marker
    elif b"\xff\xd9" not in data[-4096:]:  # a JPEG ends with its end-of-image marker
        raise PictureRefused(_l("The picture is damaged and cannot be read."))
