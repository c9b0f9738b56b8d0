// hostile test: unbounded recursion, then again inside the catch
function f(n) { return f(n + 1) + 1; }
try { f(0); } catch (e) { try { f(0); } catch (e2) { for (;;) {} } }
