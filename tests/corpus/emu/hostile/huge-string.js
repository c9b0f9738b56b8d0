// hostile test: one huge allocation
var s = new Array(1 << 30).join("x");
