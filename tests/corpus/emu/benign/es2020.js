// written for fileless-milter tests: syntax the ES2015 rewrite leaves alone (a generator,
// optional chaining): not emulated (EMU_ERROR, weight 0)
function* ids() { yield 1; }
const cfg = { a: { b: 1 } };
console.log(cfg?.a?.b, [...ids()]);
