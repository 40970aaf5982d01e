"""Uploaded library files: what they are (judged by their bytes, which must agree with their name), and their
storage under instance/resources/ with random names, written whole or not at all.

Nothing here knows the app: the service passes the folder and the limits."""
import io
import os
import re
import secrets
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Format:
    key: str  # one name for the formats several extensions share (jpeg)
    label: str  # what a reader calls it, the same in every language ("PDF", "Word")
    content_type: str
    extension: str  # the one the download's name ends with


_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."
FORMATS = {format_.key: format_ for format_ in (
    Format("pdf", "PDF", "application/pdf", "pdf"),
    Format("docx", "Word", _OOXML + "wordprocessingml.document", "docx"),
    Format("xlsx", "Excel", _OOXML + "spreadsheetml.sheet", "xlsx"),
    Format("pptx", "PowerPoint", _OOXML + "presentationml.presentation", "pptx"),
    Format("odt", "OpenDocument Text", _ODF + "text", "odt"),
    Format("ods", "OpenDocument Spreadsheet", _ODF + "spreadsheet", "ods"),
    Format("odp", "OpenDocument Presentation", _ODF + "presentation", "odp"),
    Format("doc", "Word 97-2003", "application/msword", "doc"),
    Format("xls", "Excel 97-2003", "application/vnd.ms-excel", "xls"),
    Format("ppt", "PowerPoint 97-2003", "application/vnd.ms-powerpoint", "ppt"),
    Format("png", "PNG", "image/png", "png"),
    Format("jpeg", "JPEG", "image/jpeg", "jpg"),
    Format("gif", "GIF", "image/gif", "gif"),
    Format("webp", "WebP", "image/webp", "webp"),
)}
EXTENSIONS = {format_.extension: format_.key for format_ in FORMATS.values()} | {"jpeg": "jpeg"}
BY_CONTENT_TYPE = {format_.content_type: format_ for format_ in FORMATS.values()}
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z]{3,4}$")  # checked before it is joined to a path

_OOXML_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}
_ODF_TYPES = {_ODF + "text": "odt", _ODF + "spreadsheet": "ods", _ODF + "presentation": "odp"}
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_OLE_STREAMS = {"WordDocument": "doc", "PowerPoint Document": "ppt", "Workbook": "xls", "Book": "xls"}
_OLE_END = 0xFFFFFFFA  # sector numbers from here up are markers, not sectors


class Refused(Exception):
    """An upload refused; reason is a word the view turns into a sentence, details fill it in."""

    def __init__(self, reason, **details):
        self.reason, self.details = reason, details
        super().__init__(reason, details)


@dataclass(frozen=True)
class Checked:
    """An upload that passed: its format, its size and the name to offer when it is downloaded."""

    format: Format
    size: int
    file_name: str


def extension_of(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check(name, data, max_bytes):
    """The upload's Checked format, or Refused: empty, too large, a type not taken, or bytes that are not what
    the name's extension says ("mismatch", with the format the bytes are, if any)."""
    expected = EXTENSIONS.get(extension_of(name))
    if expected is None:
        raise Refused("file_type")
    if not data:
        raise Refused("empty")
    if len(data) > max_bytes:
        raise Refused("too_large", max=max_bytes)
    found = sniff(data)
    if found != expected:
        raise Refused("mismatch", expected=FORMATS[expected].label,
                      found=FORMATS[found].label if found else None)
    return Checked(FORMATS[found], len(data), download_name(name, FORMATS[found]))


def sniff(data):
    """The key of the format the bytes are (magic numbers; inside a zip, the parts each format must hold; inside
    an OLE2 compound file, the named streams), or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        return _zip_format(data)
    if data.startswith(_OLE_MAGIC):
        names = _ole_names(data)
        return next((key for stream, key in _OLE_STREAMS.items() if stream in names), None)
    return None


def _zip_format(data):
    """OpenDocument: a first "mimetype" entry naming the type; Office Open XML: [Content_Types].xml and the main
    part. Nothing is unpacked but the few bytes of "mimetype"."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if infos and infos[0].filename == "mimetype" and infos[0].file_size <= 100 \
                    and not infos[0].flag_bits & 0x1:
                with archive.open(infos[0]) as member:
                    return _ODF_TYPES.get(member.read(101).decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                return next((key for part, key in _OOXML_PARTS.items() if part in names), None)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError,
            ValueError, zlib.error):
        return None
    return None


def _u32(data, offset):
    return int.from_bytes(data[offset:offset + 4], "little")


def _ole_names(data):
    """The names of the streams and storages in an OLE2 compound file's directory (an empty set when the header
    does not add up). Follows the FAT, including DIFAT sectors, never a sector twice."""
    if len(data) < 512:
        return set()
    shift = int.from_bytes(data[30:32], "little")
    if shift not in (9, 12):
        return set()
    size = 1 << shift
    sector_at = lambda number: data[(number + 1) * size:(number + 2) * size]  # noqa: E731
    fat_sectors = [_u32(data, 76 + 4 * index) for index in range(109)]
    difat, seen = _u32(data, 68), set()
    while difat < _OLE_END and difat not in seen and len(seen) < 1000:
        seen.add(difat)
        sector = sector_at(difat)
        fat_sectors += [_u32(sector, 4 * index) for index in range(size // 4 - 1)]
        difat = _u32(sector, size - 4) if len(sector) == size else _OLE_END
    fat = b"".join(sector_at(number) for number in fat_sectors if number < _OLE_END)
    names, seen, sector = set(), set(), _u32(data, 48)
    while sector < _OLE_END and sector not in seen and len(seen) < 10000:
        seen.add(sector)
        chunk = sector_at(sector)
        for start in range(0, len(chunk) - 127, 128):
            entry = chunk[start:start + 128]
            length = int.from_bytes(entry[64:66], "little")
            if entry[66] in (1, 2) and 2 <= length <= 64:
                names.add(entry[:length - 2].decode("utf-16-le", "replace"))
        sector = _u32(fat, 4 * sector) if 4 * sector + 4 <= len(fat) else _OLE_END
    return names


def download_name(name, format_):
    """A name safe to offer in Content-Disposition: the uploaded one's letters (any script), digits and a few
    marks, no path, no quotes, no control characters, ending in the format's extension."""
    stem = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = unicodedata.normalize("NFC", stem)
    stem = "".join(char if char.isalnum() or char in " -_()" else "_" for char in stem)
    stem = re.sub(r"[ _]{2,}", "_", stem).strip(" ._-")[:100] or "resource"
    return f"{stem}.{format_.extension}"


# --- storage ---------------------------------------------------------------------------------------------------

def path_of(folder, stored_name):
    """The stored file's path, or None for a name that is not one of ours (never joined unchecked)."""
    if not stored_name or not STORED_NAME.match(stored_name):
        return None
    return Path(folder) / stored_name


def store(folder, data, format_):
    """Write data under folder with a new random name, whole: a temporary file in the same folder, flushed to
    disk, then renamed into place. Returns the stored name."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = f"{secrets.token_hex(16)}.{format_.extension}"
    descriptor, temporary = tempfile.mkstemp(prefix=".upload-", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, folder / stored_name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return stored_name


def remove(folder, stored_name):
    """Delete a stored file, if it is there."""
    path = path_of(folder, stored_name)
    if path is not None:
        path.unlink(missing_ok=True)
