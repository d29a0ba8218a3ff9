#!/usr/bin/env python3
"""Checks for tests/browser.sh, standard library only.

  browser_check.py png FILE.png MIN_COLOURS   the screenshot is not blank
  browser_check.py tpp-pd DOM.svg             H20 outside the 2023 regions, H100 inside
  browser_check.py report DOM.html            the page's script ran; its charts are there
  browser_check.py sort-page REPORT.html OUT.html   a page running the report's own script
                                                    on a small table, clicking its headers
  browser_check.py sort DOM.html              that page's table sorted as it should
"""
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

SVG = "{http://www.w3.org/2000/svg}"


def png_colours(path, limit=4096):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                sys.exit(f"{path}: unexpected PNG format (depth {depth}, type {ctype})")
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colours = set()
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        # Every 7th pixel of every 3rd row: enough to tell a chart from a blank page.
        if y % 3 == 0 and len(colours) < limit:
            for x in range(0, width, 7):
                colours.add(bytes(line[x * bpp:x * bpp + 3]))
        prev = line
    return len(colours)


def inside(poly, x, y):
    """Point in polygon (even-odd), strictly: a point on an edge counts as outside."""
    hit = False
    n = len(poly)
    for i in range(n):
        (x0, y0), (x1, y1) = poly[i], poly[(i + 1) % n]
        if (y0 > y) != (y1 > y):
            xc = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
            if abs(xc - x) < 1e-9:
                return False
            if xc > x:
                hit = not hit
    return hit


def check_tpp_pd(path):
    root = ET.parse(path).getroot()
    regions = None
    for g in root.iter(SVG + "g"):
        if g.get("class") == "regions" and g.get("data-regime") == "us-2023-10":
            regions = g
    if regions is None:
        sys.exit("no us-2023-10 regions in the chart")
    polys = []
    for p in regions.iter(SVG + "polygon"):
        pts = [tuple(map(float, xy.split(","))) for xy in p.get("points").split()]
        polys.append((p.get("data-region"), pts))
    controlled = [pts for name, pts in polys if name.startswith("3A090")]
    if not controlled:
        sys.exit("no 3A090 region drawn")
    chips = {g.get("data-chip"): g for g in root.iter(SVG + "g") if g.get("class") == "chip"}
    for chip, want_inside in (("nvidia-h100-sxm", True), ("nvidia-h20", False)):
        g = chips.get(chip)
        if g is None:
            sys.exit(f"{chip} is not on the chart")
        x, y = float(g.get("data-cx")), float(g.get("data-cy"))
        geo = any(inside(pts, x, y) for pts in controlled)
        attr = g.get("data-region")
        if geo != want_inside or (attr.startswith("3A090")) != want_inside:
            sys.exit(f"{chip} at ({x}, {y}): inside a 3A090 region: {geo}, data-region {attr!r}; "
                     f"expected {'inside' if want_inside else 'outside'}")
        print(f"{chip}: data-region {attr!r}, {'inside' if geo else 'outside'} the 3A090 regions")


def check_report(path):
    text = open(path, encoding="utf-8").read()
    if 'data-js="ready"' not in text:
        sys.exit("the report's script did not run to its end")
    charts = re.findall(r'data-chart="([a-z-]+)"', text)
    for want in ("tpp-pd", "bandwidth", "roofline"):
        if want not in charts:
            sys.exit(f"the report has no {want} chart (found {charts})")
    print(f"report: script ran, charts {charts}")


def sort_page(report, out):
    text = open(report, encoding="utf-8").read()
    script = re.search(r"<script>(.*?)</script>", text, re.S).group(1)
    page = """<!DOCTYPE html><html><body>
<table class="sortable" id="t"><thead><tr><th>Chip</th><th>TPP</th></tr></thead><tbody>
<tr><td>b</td><td data-sort="2368">2,368</td></tr>
<tr><td>a</td><td data-sort="15832">15,832</td></tr>
<tr><td>c</td><td data-sort="800">800</td></tr>
</tbody></table>
<script>""" + script + """</script>
<script>
var th = document.querySelectorAll('#t th');
var order = function () {
  return Array.prototype.map.call(document.querySelectorAll('#t tbody tr'),
                                  function (r) { return r.cells[0].textContent; }).join('');
};
th[1].click(); var up = order();
th[1].click(); var down = order();
th[0].click(); var names = order();
document.body.setAttribute('data-result', up + ',' + down + ',' + names);
</script></body></html>"""
    open(out, "w", encoding="utf-8").write(page)


def check_sort(path):
    text = open(path, encoding="utf-8").read()
    m = re.search(r'data-result="([^"]*)"', text)
    # By number ascending, then descending (not as text: "800" > "2,368"), then by name.
    if not m or m.group(1) != "cba,abc,abc":
        sys.exit(f"table sort: got {m.group(1) if m else 'no result'}, expected cba,abc,abc")
    print("report script: sorts numbers by value, both ways, and text")


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "png":
        n = png_colours(sys.argv[2])
        if n < int(sys.argv[3]):
            sys.exit(f"{sys.argv[2]}: only {n} distinct colours: blank or nearly")
        print(f"{sys.argv[2]}: {n}+ distinct colours")
    elif what == "tpp-pd":
        check_tpp_pd(sys.argv[2])
    elif what == "report":
        check_report(sys.argv[2])
    elif what == "sort-page":
        sort_page(sys.argv[2], sys.argv[3])
    elif what == "sort":
        check_sort(sys.argv[2])
    else:
        sys.exit(f"unknown check {what}")
