// hostile test: catches WScript.Quit and keeps running
try { WScript.Quit(1); } catch (e) {}
for (;;) {}
