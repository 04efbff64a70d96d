"""QR codes: the certificate's PNG is the same code as the SVG, module for module."""

import base64
from io import BytesIO

import segno
from PIL import Image

from lms.core.qr import BORDER, PRINT_PIXELS, qr_print_png_data_uri

URL = "https://sahayak.example.org/verify/ABCDE23456FGHJK"


def test_the_print_png_is_the_svgs_code_in_grey_squares_of_print_pixels():
    uri = qr_print_png_data_uri(URL)
    assert uri.startswith("data:image/png;base64,")
    picture = Image.open(BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert picture.mode == "L"  # WeasyPrint would turn a 1-bit PNG into RGB first
    code = segno.make(URL, error="m")  # as qr_data_uri draws it: the same mask, chosen by segno
    modules = len(code.matrix) + 2 * BORDER
    assert picture.size == (modules * PRINT_PIXELS,) * 2
    assert set(picture.tobytes()) == {0, 255}
    centres = picture.resize((modules, modules), Image.Resampling.NEAREST).tobytes()  # a pixel per module
    dark = [[value == 0 for value in centres[y * modules : (y + 1) * modules]] for y in range(modules)]
    assert dark == [[bool(module) for module in row] for row in code.matrix_iter(border=BORDER)]
