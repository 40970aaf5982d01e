"""A course folder's files as {path inside the folder: bytes}: read from disk or from an uploaded zip (refusing
anything unsafe), zipped, and swapped into the content folder with renames, so there is never half a folder.

Nothing here knows the app: the service passes the folders and the limits."""
import hashlib
import io
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".md", ".yml", ".yaml")  # the only files a course folder holds: Markdown and YAML text
IGNORED = {".DS_Store", "Thumbs.db", "desktop.ini"}  # what file managers add to a zip; never written
IGNORED_FOLDERS = {"__MACOSX"}  # macOS's resource forks beside the top folder; never written
NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")  # one file or folder name
RATIO_FLOOR = 64 * 1024  # files smaller than this unpacked may compress as well as they like
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zips of the same files are the same bytes


@dataclass(frozen=True)
class Limits:
    upload_bytes: int  # the uploaded file
    files: int  # entries in a zip
    unpacked_bytes: int  # all entries of a zip, unpacked
    ratio: int  # unpacked size / packed size of one entry


class Refused(Exception):
    """An upload refused as a whole; reason is a word the view turns into a sentence, details fill it in."""

    def __init__(self, reason, **details):
        self.reason, self.details = reason, details
        super().__init__(reason, details)


def text_of(path, data):
    """data as UTF-8 text with LF line ends and no byte-order mark (as editors on Windows may add), as bytes;
    Refused("encoding") when it is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("encoding", path=path) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").encode("utf-8")


def _parts(name):
    """The names along a zip entry's path; Refused("escape") for a path that could leave the folder."""
    if (not name or "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name)):
        raise Refused("escape", path=name)
    parts = name.removesuffix("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise Refused("escape", path=name)
    return parts


def _is_special(info):
    """A link, a device, a pipe: anything but a plain file or folder (Unix zips keep the mode in the top bits)."""
    mode = info.external_attr >> 16
    return stat.S_IFMT(mode) != 0 and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _entries(archive, slug, limits):
    """[(path inside the course folder, ZipInfo)] of the files to unpack, every entry checked before any is read."""
    infos = archive.infolist()
    if len(infos) > limits.files:
        raise Refused("too_many_files", max=limits.files)
    wanted, seen, total = [], set(), 0
    for info in infos:
        parts = _parts(info.filename)
        if parts[0] in IGNORED_FOLDERS or parts[-1] in IGNORED:
            continue
        if _is_special(info):
            raise Refused("link", path=info.filename)
        if parts[0] != slug or (len(parts) == 1 and not info.is_dir()):
            raise Refused("top_folder", slug=slug, found=parts[0])
        if any(not NAME.match(part) for part in parts):
            raise Refused("bad_name", path=info.filename)
        if info.is_dir():
            continue
        if not parts[-1].endswith(SUFFIXES):
            raise Refused("entry_type", path=info.filename)
        if info.flag_bits & 0x1:
            raise Refused("encrypted", path=info.filename)
        total += info.file_size
        if total > limits.unpacked_bytes:
            raise Refused("too_large_unpacked", max=limits.unpacked_bytes)
        if info.file_size > RATIO_FLOOR and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise Refused("ratio", path=info.filename, max=limits.ratio)
        path = "/".join(parts[1:])
        if path in seen:
            raise Refused("duplicate", path=info.filename)
        seen.add(path)
        wanted.append((path, info))
    if not wanted:
        raise Refused("empty")
    return wanted


def read_zip(data, slug, limits):
    """The files of a zip of the course folder slug/ ({path inside the folder: UTF-8 bytes}). Refused, before a
    byte is unpacked, for a zip bomb (too many files, too large unpacked, too tight a ratio), a path that leaves
    the folder, a link, another top folder or an unexpected type of file; then for a file that is not UTF-8."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise Refused("not_zip") from None
    with archive:
        files = {}
        for path, info in _entries(archive, slug, limits):
            try:
                with archive.open(info) as member:
                    content = member.read(info.file_size + 1)  # never more than the entry says it holds
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError, zlib.error):
                raise Refused("unreadable", path=info.filename) from None
            if len(content) != info.file_size:
                raise Refused("unreadable", path=info.filename)
            files[path] = text_of(info.filename, content)
    return files


def read_folder(folder):
    """The plain files under folder ({path inside it: bytes}); links are not followed; {} when it is missing."""
    folder, files = Path(folder), {}
    if not folder.is_dir():
        return files
    for directory, _folders, names in os.walk(folder):
        for name in names:
            path = Path(directory) / name
            if not path.is_symlink() and path.is_file():
                files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def zip_files(slug, files):
    """A zip of the files under the top folder slug/, as they are uploaded: the same files, the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(f"{slug}/{path}", date_time=FIXED_TIME)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, files[path], compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def digest(files):
    """A SHA-256 of the files and their paths: equal digests, equal folders."""
    hashed = hashlib.sha256()
    for path in sorted(files):
        hashed.update(f"{path}\0{len(files[path])}\0".encode())
        hashed.update(files[path])
    return hashed.hexdigest()


def write_tree(folder, files, durable=False):
    """Write the files under folder (a new folder); durable: each is on the disk before this returns."""
    folder = Path(folder)
    folder.mkdir(parents=True)
    for path, content in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(content)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())


def _fsync_dir(folder):
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def work_root(content_dir):
    """Where new and old course folders wait: beside the content folder (so a rename moves them, on the same
    disk), never inside it (the loader would read them as courses)."""
    content_dir = Path(content_dir)
    return content_dir.parent / f".{content_dir.name}-publishing"


@contextmanager
def locked(lock_file):
    """One publication or restoration at a time in this content folder."""
    import fcntl  # POSIX; imported here so the module still imports where it is missing
    lock_file = Path(lock_file)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(content_dir):
    """After a crash between the two renames of a swap, put the old course folder back; then tidy up. Call it
    under the lock."""
    content_dir, root = Path(content_dir), work_root(content_dir)
    if not root.is_dir():
        return
    for work in root.iterdir():
        marker, old = work / "slug", work / "old"
        if marker.is_file() and old.is_dir():
            target = content_dir / marker.read_text().strip()
            if NAME.match(target.name) and not target.exists():
                os.replace(old, target)
        shutil.rmtree(work, ignore_errors=True)
    _remove_if_empty(root)


def _remove_if_empty(folder):
    try:
        folder.rmdir()
    except OSError:
        pass


@contextmanager
def swapped_in(content_dir, slug, files):
    """Put files in place of content_dir/slug: written whole beside it, then swapped in with a rename. When the
    block raises, the old folder is renamed back and the exception goes on."""
    content_dir = Path(content_dir)
    root = work_root(content_dir)
    root.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="swap-", dir=root))
    target, old, new = content_dir / slug, work / "old", work / "new"
    try:
        write_tree(new, files, durable=True)
        (work / "slug").write_text(slug)
        existed = target.exists()
        if existed:
            os.replace(target, old)
        os.replace(new, target)
        _fsync_dir(content_dir)
        try:
            yield
        except BaseException:
            os.replace(target, work / "undone")
            if existed:
                os.replace(old, target)
            _fsync_dir(content_dir)
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
        _remove_if_empty(root)
