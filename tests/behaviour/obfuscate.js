// obfuscate.js - test-only: obfuscated variants of the behaviour corpus's JavaScript samples
// with javascript-obfuscator (installed by tests/behaviour/run.py into tests/out/npm-obf).
// usage: node obfuscate.js OBFUSCATOR_DIR OUT_DIR SOURCE.js...
// Writes OUT_DIR/<source>-<preset>.js for each preset; the seed is fixed so the output is
// reproducible for one obfuscator version.
const path = require("path");
const fs = require("fs");
const JO = require(path.resolve(process.argv[2], "node_modules", "javascript-obfuscator"));
const out = process.argv[3];
const base = {seed: 1, compact: true, target: "browser-no-eval"};
const presets = {
    "strarray": {stringArray: true, stringArrayThreshold: 1},
    "rotate-b64": {stringArray: true, stringArrayThreshold: 1, stringArrayRotate: true,
                   stringArrayShuffle: true, stringArrayEncoding: ["base64"]},
    "rc4": {stringArray: true, stringArrayThreshold: 1, stringArrayRotate: true,
            stringArrayEncoding: ["rc4"]},
    "wrappers": {stringArray: true, stringArrayThreshold: 1, stringArrayRotate: true,
                 stringArrayWrappersCount: 2, stringArrayWrappersType: "function",
                 stringArrayIndexShift: true, splitStrings: true, splitStringsChunkLength: 4,
                 unicodeEscapeSequence: true},
    "flatten": {stringArray: true, stringArrayThreshold: 1, stringArrayEncoding: ["base64"],
                controlFlowFlattening: true, controlFlowFlatteningThreshold: 1,
                deadCodeInjection: true, deadCodeInjectionThreshold: 0.4,
                transformObjectKeys: true, numbersToExpressions: true},
};
fs.mkdirSync(out, {recursive: true});
for (const src of process.argv.slice(4)) {
    const code = fs.readFileSync(src, "utf8").replace(/<\/?script>/g, "");
    for (const [name, opts] of Object.entries(presets)) {
        const o = JO.obfuscate(code, Object.assign({}, base, opts)).getObfuscatedCode();
        fs.writeFileSync(path.join(out, path.basename(src, ".js") + "-" + name + ".js"), o);
    }
}
