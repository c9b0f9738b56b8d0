// hostile test: tries to catch the deadline and keep running
var n = 0;
for (;;) { try { for (;;) n++; } catch (e) { n = -1; } }
