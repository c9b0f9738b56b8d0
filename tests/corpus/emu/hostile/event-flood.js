// hostile test: floods the event log (far more calls than the helper records)
var sh = new ActiveXObject("WScript.Shell");
for (var i = 0; i < 200000; i++) sh.RegWrite("HKCU\\Software\\flood\\v" + i, "x", "REG_SZ");
