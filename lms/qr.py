"""QR codes as data: URIs (segno): no image files, no other hosts."""

import segno


def qr_data_uri(url: str) -> str:
    """The URL as an SVG QR code in a data: URI."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def qr_png_data_uri(url: str) -> str:
    """The URL as a PNG QR code, one pixel per module, for printing many times on one page
    (far cheaper for WeasyPrint than SVG; print it with `image-rendering: pixelated`)."""
    return segno.make(url, error="m").png_data_uri(scale=1, border=2)
