// an admin helper: reads settings and echoes them (no process, no download, no registry write)
var fso = new ActiveXObject("Scripting.FileSystemObject");
var sh = new ActiveXObject("WScript.Shell");
var tmp = sh.ExpandEnvironmentStrings("%TEMP%");
if (fso.FolderExists(tmp)) WScript.Echo("temp is " + tmp);
var v = sh.RegRead("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProductName");
WScript.Echo("windows: " + v);
