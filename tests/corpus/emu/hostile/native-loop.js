// hostile test: a loop of native calls (split/join/sort) that allocates all the time
var a = []; for (var i = 0; i < 5000; i++) a.push(i);
for (;;) { a.sort(function (x, y) { return y - x; }).join(",").split(","); }
