// hostile test: doubles a string forever (and catches the out-of-memory error)
var s = "x";
for (;;) { try { s = s + s; } catch (e) { s = s.slice(1) + "y"; } }
