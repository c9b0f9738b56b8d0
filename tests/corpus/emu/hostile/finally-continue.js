// hostile test: swallows the deadline with `continue` in a finally block (which discards
// the pending error) and an error handler that re-enters the loop
var n = 0;
for (;;) { try { for (;;) n++; } finally { n = 0; continue; } }
