/*
 * fileless.yar - fileless-milter's own YARA rules: the launchers, droppers and
 * encodings of registry-resident ("fileless") malware such as Kovter, Poweliks and
 * Gootkit. They run on every part, every layer libclamav unpacks, every VBA module and
 * every decoded script layer. `score` is the weight a match adds; external variables
 * (filename, extension, filetype, location, layer_depth) describe the buffer.
 */

rule Fileless_Mshta_Javascript_Launcher
{
    meta:
        description = "mshta running inline javascript: (Kovter/Poweliks Run-key launcher)"
        score = 4
    strings:
        $m = "mshta" nocase
        $j = /mshta(\.exe)?["' ]+[^\r\n]{0,40}(java|vb)script:/ nocase
    condition:
        $m and $j
}

rule Fileless_Rundll32_RunHTMLApplication
{
    meta:
        description = "rundll32 javascript: mshtml,RunHTMLApplication (Poweliks launcher)"
        score = 4
    strings:
        $r = "rundll32" nocase
        $j = "javascript:" nocase
        $h = "RunHTMLApplication" nocase
    condition:
        all of them
}

rule Fileless_PowerShell_EncodedCommand
{
    meta:
        description = "PowerShell started with a base64 -EncodedCommand"
        score = 3
    strings:
        $p = /powershell(\.exe)?["']?[^\r\n]{0,80}\s-(e|en|enc|enco|encod|encode|encoded|encodedc|encodedco|encodedcom|encodedcomm|encodedcomma|encodedcomman|encodedcommand|ec)\s+[A-Za-z0-9+\/]{40,}/ nocase
    condition:
        $p
}

rule Fileless_Registry_Run_Key_Write
{
    meta:
        description = "a script writes an autostart Run/RunOnce key"
        score = 3
    strings:
        $k = /CurrentVersion\\{1,2}Run(Once)?/ nocase
        $w1 = "RegWrite" nocase
        $w2 = "reg add" nocase
        $w3 = "Set-ItemProperty" nocase
        $w4 = "New-ItemProperty" nocase
        $w5 = "SetStringValue" nocase
        $w6 = "RegSetValueEx" nocase
    condition:
        $k and any of ($w*)
}

rule Fileless_Registry_Launcher_With_Payload
{
    meta:
        description = "a Run-key write whose value launches a script host with an encoded or decoded payload"
        score = 4
    strings:
        $k = /CurrentVersion\\{1,2}Run(Once)?/ nocase
        $w = /(RegWrite|reg(\.exe)? add|Set-ItemProperty|New-ItemProperty|SetStringValue|RegSetValueEx)/ nocase
        $l = /(mshta|rundll32|powershell|wscript|cscript|regsvr32)/ nocase
        $b1 = "atob(" nocase
        $b2 = "FromBase64String" nocase
        $b3 = "-enc" nocase
        $b4 = "fromCharCode" nocase
        $b5 = "unescape(" nocase
        $b6 = "base64" nocase
    condition:
        $k and $w and $l and any of ($b*)
}

rule Fileless_Script_Dropper_In_Archive
{
    meta:
        description = "a Windows script inside an archive, creating a shell object"
        score = 2
    strings:
        $a1 = "WScript.Shell" nocase
        $a2 = "Shell.Application" nocase
        $a3 = "ActiveXObject" nocase
        $a4 = "CreateObject" nocase
    condition:
        layer_depth >= 1 and
        extension matches /^(js|jse|vbs|vbe|wsf|wsh|hta|ps1|bat|cmd)$/ and
        any of them
}
