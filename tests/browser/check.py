"""Checks one report after tests/browser/run.sh ran it in Chromium: the self-test
result written into the page, the console log, and the screenshot (decoded here with
the standard library only). Prints the measurements; exit 1 on any failed check."""
import json
import re
import struct
import sys
import zlib


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB/RGBA, non-interlaced PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, rows, bpp


def main():
    html, dom, png, log = sys.argv[1:5]
    problems = []
    text = open(dom, encoding="utf-8", errors="replace").read()
    m = re.search(r'<pre id="selftest">([^<]*)</pre>', text)
    if not m:
        print("  no self-test result in the page (script did not finish)")
        return 1
    r = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    if r["errors"]:
        problems.append("script errors: %s" % r["errors"])
    console = [l for l in open(log, errors="replace") if "CONSOLE" in l]
    if console:
        problems.append("console messages: %s" % console[:5])
    if r["shapes"] != r["regions"]:
        problems.append("%d map shapes for %d regions" % (r["shapes"], r["regions"]))
    if r["postShapes"] != r["posts"]:
        problems.append("%d post shapes for %d posts" % (r["postShapes"], r["posts"]))
    if r["unpainted"]:
        problems.append("%d regions unpainted" % r["unpainted"])
    if r["regionsChanged"] <= 0:
        problems.append("moving the slider changed no colour")
    if r["playAdvancedTo"] <= 0:
        problems.append("play did not advance the slot")
    if r["ganttInkPixels"] <= 0:
        problems.append("the timeline is blank")
    width, height, rows, bpp = png_pixels(png)
    inked, colours = 0, set()
    for line in rows[::4]:
        for x in range(0, width * bpp, bpp * 4):
            px = tuple(line[x:x + 3])
            colours.add(px)
            if min(px) < 235:
                inked += 1
    share = inked / ((height // 4 + 1) * (width // 4 + 1))
    if share < 0.005 or len(colours) < 8:
        problems.append("screenshot looks blank: %.1f %% inked, %d colours" % (share * 100, len(colours)))
    size = len(open(html, "rb").read())
    fcp = dict(r.get("paint") or []).get("first-contentful-paint")
    print("  %d regions, %d posts, %d timeline groups; %.2f MB; first contentful paint %s ms; "
          "map coloured at %s ms (script %s ms); first frame after %s ms; slider changed %d regions "
          "at slot %d; screenshot %dx%d, %.0f %% inked, %d colours sampled"
          % (r["regions"], r["posts"], r["ganttGroups"], size / 1e6, fcp, r["readyMs"], r["scriptMs"],
             r["firstFrameMs"], r["regionsChanged"], r["sliderChangedAt"], width, height, share * 100,
             len(colours)))
    for p in problems:
        print("  problem: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
