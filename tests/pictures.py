"""Pictures for upload tests, drawn with Pillow."""

from io import BytesIO

from PIL import Image, ImageDraw


def picture(width=300, height=120, fmt="PNG", colour=(11, 83, 148), **save) -> bytes:
    """A picture with a filled circle and a line, in the given format."""
    mode = "RGBA" if fmt == "PNG" else "RGB"
    image = Image.new(mode, (width, height), (255, 255, 255, 0) if mode == "RGBA" else (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((5, 5, min(width, height) - 5, min(width, height) - 5), fill=colour)
    draw.line((0, height - 10, width, 10), fill=(20, 20, 20), width=4)
    out = BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()
