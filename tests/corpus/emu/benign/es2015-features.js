// written for fileless-milter tests: each ES2015 construct the rewrite (milter/emu/downlevel.js)
// handles, with its result echoed; tests/emu/run.sh compares the line with node's output.
const out = [];
const t = (x) => out.push(x);
const who = 'w', n = 3;
t(`a${who}b${`in${n + 1}`}c`);
const tag = (s, ...v) => s.join('|') + '/' + v.join(',');
t(tag`x${1}y${2}z`);
function def(a, b = a * 2, ...r) { return a + b + r.length; }
t(def(1) + ':' + def(1, 1, 7, 8));
const { p, q: { r = 5, s } = {}, ...others } = { p: 1, q: { s: 2 } };
t(`${p}${r}${s}`);
const [x0, , x2 = 9, ...xs] = [1, 2, undefined, 4, 5];
t(`${x0}${x2}${xs.length}`);
let acc = '';
for (const ch of 'ab') acc += ch;
for (const [k, v] of new Map([['m', 1]])) acc += k + v;
for (let v of new Set([7, 7, 8])) acc += v;
t(acc);
class A {
  constructor(v) { this.v = v; }
  get double() { return this.v * 2; }
  static make(v) { return new this(v); }
  show(pre = '') { return pre + this.v; }
}
class B extends A {
  constructor(v) { super(v + 1); }
  show() { return 'B' + super.show('<'); }
}
const b = new B(1);
t(`${b.show()}${b.double}${A.make(4).v}`);
const obj = { v: 6, later() { return [1].map(() => this.v)[0]; } };
t(obj.later());
const nums = [3, 1, 2];
t(Math.max(...nums) + [...nums, 0].length + String.fromCharCode(...[72, 105]));
const re = /`[/]\//g, half = 10 / 2 / 1;
t('`/'.replace(/`/, '') + 'a`//c'.replace(re, '-') + half);
const fs = [];
for (let i = 0; i < 2; i++) fs.push(() => i);
t(fs.length);
WScript.Echo(out.join(' '));
