"""QR codes as data: URIs (segno): no image files, no other hosts."""

import base64
from io import BytesIO

import segno
from PIL import Image, ImageOps

BORDER = 2  # modules of white around the code
PRINT_PIXELS = 9  # per module: a certificate's code (37 modules with its border) is 26 mm at 325 dpi
GREY = bytes([255, 0]) + bytes(254)  # segno's module value → grey level: 0 (light) white, 1 black


def qr_data_uri(url: str) -> str:
    """The URL as an SVG QR code in a data: URI."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=BORDER)


def qr_png_data_uri(url: str) -> str:
    """The URL as a PNG QR code, one pixel per module, for printing many times on one page
    (far cheaper for WeasyPrint than SVG; print it with `image-rendering: pixelated`)."""
    return segno.make(url, error="m").png_data_uri(scale=1, border=BORDER)


def qr_print_png_data_uri(url: str) -> str:
    """The URL as a greyscale PNG QR code of PRINT_PIXELS pixels per module, for one code
    printed about 26 mm wide (a certificate's): the same code as the SVG, as sharp on screen
    and on paper up to 300 dpi, at less than half its cost to WeasyPrint.

    Viewers only ever shrink a picture this size there; one pixel per module would be
    enlarged, which poppler's viewers and print filters blur below four times, even with
    `image-rendering: pixelated`. Greyscale because WeasyPrint turns a 1-bit PNG into RGB
    first, three times the bytes to compress."""
    matrix = segno.make(url, error="m").matrix  # rows of 1 (dark) and 0 (light)
    picture = Image.frombytes("L", (len(matrix), len(matrix)), b"".join(matrix).translate(GREY))
    picture = ImageOps.expand(picture, BORDER, fill=255)
    picture = picture.resize((picture.width * PRINT_PIXELS,) * 2, Image.Resampling.NEAREST)
    png = BytesIO()
    picture.save(png, "PNG", compress_level=1)  # WeasyPrint decodes and compresses it again
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
