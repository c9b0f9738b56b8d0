// hostile test: an endless loop
for (;;) {}
