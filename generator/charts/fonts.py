"""Small copies (subsets) of the fonts that the static chart renderings use, made with HarfBuzz.

vl-convert measures and draws every piece of text by opening its font file again (fontdb keeps fonts as
files): a chart set in the 19 MB Noto CJK collections cost about 1,400 opens, maps and page-fault storms,
more than half of its rendering. So a rendering process is given, first in its font list, subsets of the
faces that the charts' font lists name, holding only the characters the charts can show (70 KB instead
of 19 MB), through a fontconfig file (FONTCONFIG_FILE, which fontdb reads); the system's fonts follow for
anything else. A subset keeps its family's name, glyphs and metrics, so renderings are the same bytes as
with the full fonts (tests/test_statics.py compares them), in half the time or less. One difference, for
the better: a character that a text's first font lacks (Chinese in an English label) is drawn from the
next family the chart lists, where before it came from whichever installed face fontdb met first on disk.

Subsets are kept in the chart cache by a digest of the characters, the font files and HarfBuzz's version.
Without uharfbuzz or without any named family on the machine, renderings use the system's fonts as before.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

# Text that Vega makes itself rather than taking from a spec: number formats (digits, signs, the minus
# sign U+2212, SI prefixes such as µ), the ellipsis of a truncated label, spaces; and the ASCII range,
# for the escapes of the JSON that the characters are taken from.
BASE = "".join(map(chr, range(0x20, 0x7F))) + "\u00a0\u00b5\u2009\u2026\u2212"
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "-apple-system",
           "blinkmacsystemfont"}
SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
SUBSET_OPTIONS = "no hinting; name ids 16 17 21 22"  # part of a subset folder's name: see _subset


def families(css: str) -> list[str]:
    """The family names of a CSS font list, in order, without quotes and generic families."""
    names = (part.strip().strip("'\"").strip() for part in css.split(","))
    return list(dict.fromkeys(name for name in names if name and name.lower() not in GENERIC))


def spec_fonts(spec: dict) -> list[str]:
    """The font lists a Vega-Lite spec names (its config's font and any other *font settings)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and (key == "font" or key.endswith("Font")):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    return found


@functools.cache
def system_faces() -> dict[str, list[tuple[str, int, tuple[int, int]]]]:
    """Family name -> [(font file, face index, style)] of the fonts installed where fontdb looks for them, by
    the names fontdb matches (the typographic family, else the family), regular faces first (a character
    that a text's font lacks comes from the first face that has it, whatever its weight: see _write_dir).
    Scanned once per process."""
    import uharfbuzz as hb

    found: dict[str, list[tuple[str, int, tuple[int, int]]]] = {}
    names = hb.OTNameIdPredefined
    for root in FONT_DIRS:
        for folder, _dirs, files in sorted(os.walk(os.path.expanduser(root))):
            for name in sorted(files):
                if not name.lower().endswith(SUFFIXES):
                    continue
                path = os.path.join(folder, name)
                try:
                    blob = hb.Blob.from_file_path(path)
                    count = hb.Face(blob).count
                    for index in range(max(count, 1)):
                        face = hb.Face(blob, index)
                        family = face.get_name(names.TYPOGRAPHIC_FAMILY) or face.get_name(names.FONT_FAMILY)
                        if family:
                            found.setdefault(family, []).append((path, index, _style(face)))
                except Exception:  # noqa: BLE001 - an unreadable font file is fontdb's business, not ours
                    continue
    for listed in found.values():  # upright before italic, then by distance from the regular weight
        listed.sort(key=lambda face: face[2])
    return found


def _style(face) -> tuple[int, int]:
    """(italic, distance of the weight from 400), from the OS/2 table (fsSelection bit 0, usWeightClass)."""
    table = face.reference_table("OS/2").data
    if len(table) < 64:
        return (0, 0)
    return (table[63] & 1, abs(int.from_bytes(table[4:6], "big") - 400))


def _subset(path: str, index: int, chars: str) -> bytes:
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(path), index)
    given = hb.SubsetInput()
    for ch in chars:
        given.unicode_set.add(ord(ch))
    ids = given.sets(hb.SubsetInputSets.NAME_ID)
    for name_id in (16, 17, 21, 22):  # typographic and WWS family and style: fontdb matches by them
        ids.add(name_id)
    # Without hinting instructions: resvg does not hint (the same renderings), and the subsets are half the size
    given.flags = hb.SubsetFlags.NO_HINTING
    return hb.subset(face, given).blob.data


def _write_dir(folder: Path, faces: list[tuple[str, int]], chars: str) -> None:
    """The subsets and their fontconfig file, written whole or not at all (several builds share the cache)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".fonts-"))
    try:
        # A folder per face, listed in order: fontdb reads a folder's files in the file system's order, and
        # a character that a text's font lacks is drawn from the first face in its list that has it.
        ours = []
        for n, (path, index) in enumerate(faces):
            (tmp / f"{n:02d}").mkdir()
            (tmp / f"{n:02d}" / f"{Path(path).stem}-{index}.otf").write_bytes(_subset(path, index, chars))
            ours.append(str(folder / f"{n:02d}"))
        dirs = "".join(f"  <dir>{_xml(d)}</dir>\n" for d in [*ours, *map(os.path.expanduser, FONT_DIRS)])
        (tmp / "fonts.conf").write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
            "<!-- Made by generator/fonts.py: these subsets first, then the system's fonts. -->\n"
            f"<fontconfig>\n{dirs}</fontconfig>\n", encoding="utf-8")
        try:
            os.rename(tmp, folder)
        except OSError:  # made meanwhile by another build
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def font_config(font_lists: list[str], chars: set[str], cache: Path) -> str | None:
    """The fontconfig file that puts subsets of these font lists' families, for these characters, before the
    system's fonts; None when there is nothing to subset (no uharfbuzz, or none of the families installed)."""
    try:
        import uharfbuzz as hb
    except ImportError:
        return None
    installed = system_faces()
    faces = list(dict.fromkeys((path, index) for css in font_lists for family in families(css)
                               for path, index, _style_key in installed.get(family, ())))
    if not faces:
        return None
    text = "".join(sorted(set(BASE) | chars))
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    digest.update(f"{hb.__version__} {SUBSET_OPTIONS}".encode())
    for path, index in faces:
        st = os.stat(path)
        digest.update(f"\0{path}\0{index}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    folder = cache / "fonts" / digest.hexdigest()[:24]
    if not (folder / "fonts.conf").exists():
        _write_dir(folder, faces, text)
    return str(folder / "fonts.conf")


def characters(specs: list[dict]) -> set[str]:
    """Every character of the specs' strings (so, with BASE, every one their charts can show)."""
    return set(json.dumps(specs, ensure_ascii=False))
