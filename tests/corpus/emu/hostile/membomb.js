// hostile test: grows an array of 1 MB strings until memory runs out, catches the failure,
// then spins
var s = "x";
for (var i = 0; i < 20; i++) s += s;
var a = [];
try { for (;;) a.push(s + a.length); } catch (e) { for (;;) {} }
