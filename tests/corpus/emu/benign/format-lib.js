// A small formatting library written for fileless-milter's tests (benign): helper functions
// called with literal arguments (padding, templates, units), the shape a decoder pass meets
// in ordinary scripts. It must not gain findings from their results.
function pad(s, n) { s = String(s); while (s.length < n) s = " " + s; return s; }
function fmt(t, a, b) { return t.replace("{0}", a).replace("{1}", b); }
function unit(n, u) { return n + " " + (n === 1 ? u : u + "s"); }
function upper(s) { return s.toUpperCase(); }
var lines = [];
lines.push(pad("Total", 12) + fmt("{0} of {1} done", 3, 7));
lines.push(upper("summary") + ": " + unit(2, "file") + ", " + unit(1, "folder"));
lines.push(fmt("Report for {0} ({1})", "the team", "weekly"));
if (typeof WScript !== "undefined") WScript.Echo(lines.join("\n"));
