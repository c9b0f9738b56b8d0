/*
 * heur/script - behaviour of a script, shortcut command line or HTML page (see
 *               heur_script.h)
 *
 * Steps: deobf_run over the text (limits from the context: max_decoded bytes per layer,
 * MAX_OUTPUTS layers, min_base64), every layer handed to c->emit with the pass and the
 * language deobf gave it; then a keyword scan of the text itself. scan.c analyses the
 * layers again, so a behaviour hidden by one level of encoding is found one level down
 * and reported at that layer's location.
 *
 * The keyword scan reads a VIEW of the text: lower case, each run of white space one
 * space (a newline when the run holds one, so statements stay apart), backticks removed
 * for PowerShell (I`E`X). For bat and lnk a second view also drops carets and double
 * quotes (p^o"w"er^shell), as cmd.exe does. Each keyword of TABLE is searched in each view
 * with memmem, which is linear; an occurrence that fails its word-boundary test is
 * skipped and the search resumes after it, and at most MAX_CHECKS occurrences per keyword
 * get a validator (bounded look-ahead), so the scan is linear in n with a constant that
 * is the table size. PowerShell's own switches (-w hidden, -ep bypass, -nop, -enc) are
 * read by a separate forward scan of the view (ps_switches).
 *
 * Grading (weights in rules/scoring.conf; tag 5, quarantine 10, reject 15): single
 * ingredients are below the tag threshold: a COM object, a process launch, a download
 * call, a hidden window or a policy bypass alone is what admin scripts and web pages do.
 * What adds up is the chain: download + execute (SCRIPT_DOWNLOAD_EXEC) reaches quarantine,
 * and with a hidden window, a policy bypass, in-memory loading or AMSI tampering
 * (SCRIPT_DOWNLOAD_EXEC_STEALTH) reject. In-memory loading, AMSI and Defender tampering
 * are strong alone. .Run/.Exec count as a launch only where a shell object is created
 * (RegExp.exec is everywhere in web code), and the PowerShell aliases (iex, iwr, irm,
 * curl, wget, saps) only in PowerShell: a ps1 file, or text that names powershell/pwsh
 * ("IEX" is also a stock exchange in a newsletter). HTML_SMUGGLING is the symbol heur_file
 * reports for the part; it is reported here too for decoded layers and HTA (hits_add keeps
 * one per location).
 *
 * Each symbol is reported at most once per call, at c->location, with the keywords that
 * matched as evidence (table strings, not sender text).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/words.h"
#include "model/failure.h"
#include "heur/deobf.h"
#include "heur/script.h"
#include "model/hit.h"
#include "lib/xalloc.h"

#define MAX_OUTPUTS 32  /* decoded layers per buffer */
#define MAX_CHECKS  64  /* validator calls per keyword and view */
#define RUN_SCAN    512 /* bytes after .Run looked at for the window-style argument */
#define ATOB_MIN    120 /* base64 characters of a large atob() literal */
#define BAT_SUBSTR  3   /* %X:~n,m% substrings that make a batch file obfuscated */
#define BAT_CARETS  4   /* carets inside words that make it obfuscated */

enum kclass {
    K_CREATE,
    K_SHELL,
    K_HTTP,
    K_STREAM,
    K_FSO,
    K_RUN,
    K_RUNHIDDEN,
    K_EXEC,
    K_IEX,
    K_WIN32P,
    K_CREATECALL,
    K_DOWNLOAD,
    K_RESPBODY,
    K_SAVETOFILE,
    K_CERTUTIL,
    K_DECODEFLAG,
    K_INMEM,
    K_ADDTYPE,
    K_DLLIMPORT,
    K_AMSI,
    K_MPPREF,
    K_MPFLAG,
    K_BYPASS,
    K_MSHTA,
    K_RUNDLL,
    K_REGSVR,
    K_PROTO,
    K_HTTPURL,
    K_SCROBJ,
    K_LAUNCHER,
    K_PSCTX,
    K_BLOB,
    K_OBJURL,
    K_DLATTR,
    K_CLICK,
    K_DATAAPP,
    K_ATOB,
    K_HIDDEN,
    K_NOPROFILE,
    K_ENCFLAG,
    NK
};

enum { LB = 1, RB = 2, PS = 4, LNK = 8, MARKUP = 16 };

typedef bool (*validator)(const char *v, size_t n, size_t at, size_t k);

static bool run_hidden(const char *v, size_t n, size_t at, size_t k);
static bool download_attr(const char *v, size_t n, size_t at, size_t k);
static bool data_base64(const char *v, size_t n, size_t at, size_t k);
static bool atob_long(const char *v, size_t n, size_t at, size_t k);

/* The keywords, lower case, white space as one space. */
static const struct {
    const char *word;
    unsigned char cls, flags;
    validator ok;
} TABLE[] = {
    {"activexobject", K_CREATE, 0, NULL},
    {"createobject", K_CREATE, 0, NULL},
    {"getobject", K_CREATE, LB | RB, NULL},
    {"new-object -com", K_CREATE, 0, NULL},
    {"-comobject", K_CREATE, 0, NULL},
    {"wscript.shell", K_SHELL, 0, NULL},
    {"shell.application", K_SHELL, 0, NULL},
    {"msxml2.xmlhttp", K_HTTP, 0, NULL},
    {"msxml2.serverxmlhttp", K_HTTP, 0, NULL},
    {"microsoft.xmlhttp", K_HTTP, 0, NULL},
    {"winhttp.winhttprequest", K_HTTP, 0, NULL},
    {"adodb.stream", K_STREAM, 0, NULL},
    {"scripting.filesystemobject", K_FSO, 0, NULL},
    {".run", K_RUN, RB, NULL},
    {".exec(", K_RUN, 0, NULL},
    {".exec ", K_RUN, 0, NULL},
    {".run", K_RUNHIDDEN, RB, run_hidden},
    {"shellexecute", K_EXEC, 0, NULL},
    {"process.start(", K_EXEC, 0, NULL},
    {"start-process", K_EXEC, LB, NULL},
    {"saps", K_EXEC, LB | RB | PS, NULL},
    {"cmd /c", K_EXEC, LB, NULL},
    {"cmd.exe /c", K_EXEC, LB, NULL},
    {"cmd /k", K_EXEC, LB, NULL},
    {"cmd.exe /k", K_EXEC, LB, NULL},
    {"cmd /r", K_EXEC, LB, NULL},
    {"cmd.exe /r", K_EXEC, LB, NULL},
    {"process call create", K_EXEC, LB, NULL},
    {"schtasks /create", K_EXEC, LB, NULL},
    {"schtasks.exe /create", K_EXEC, LB, NULL},
    {"iex", K_IEX, LB | RB | PS, NULL},
    {"invoke-expression", K_IEX, LB, NULL},
    {"win32_process", K_WIN32P, 0, NULL},
    {".create(", K_CREATECALL, 0, NULL},
    {"invoke-cimmethod", K_CREATECALL, 0, NULL},
    {"invoke-wmimethod", K_CREATECALL, 0, NULL},
    {"call create", K_CREATECALL, 0, NULL},
    {"net.webclient", K_DOWNLOAD, 0, NULL},
    {"downloadstring", K_DOWNLOAD, 0, NULL},
    {"downloadfile", K_DOWNLOAD, 0, NULL},
    {"downloaddata", K_DOWNLOAD, 0, NULL},
    {"invoke-webrequest", K_DOWNLOAD, LB, NULL},
    {"invoke-restmethod", K_DOWNLOAD, LB, NULL},
    {"start-bitstransfer", K_DOWNLOAD, LB, NULL},
    {"bitsadmin /transfer", K_DOWNLOAD, LB, NULL},
    {"bitsadmin.exe /transfer", K_DOWNLOAD, LB, NULL},
    {"-urlcache", K_DOWNLOAD, LB, NULL},
    {"/urlcache", K_DOWNLOAD, 0, NULL},
    {"urldownloadtofile", K_DOWNLOAD, 0, NULL},
    {"curl http", K_DOWNLOAD, LB, NULL},
    {"curl -o", K_DOWNLOAD, LB, NULL},
    {"curl.exe", K_DOWNLOAD, LB, NULL},
    {"wget http", K_DOWNLOAD, LB, NULL},
    {"iwr", K_DOWNLOAD, LB | RB | PS, NULL},
    {"irm", K_DOWNLOAD, LB | RB | PS, NULL},
    {"curl", K_DOWNLOAD, LB | RB | PS, NULL},
    {"wget", K_DOWNLOAD, LB | RB | PS, NULL},
    {"responsebody", K_RESPBODY, 0, NULL},
    {"responsestream", K_RESPBODY, 0, NULL},
    {"savetofile", K_SAVETOFILE, 0, NULL},
    {"certutil", K_CERTUTIL, LB, NULL},
    {"-decode", K_DECODEFLAG, LB, NULL},
    {"/decode", K_DECODEFLAG, 0, NULL},
    {"reflection.assembly]::load", K_INMEM, 0, NULL},
    {"virtualalloc", K_INMEM, 0, NULL},
    {"createthread", K_INMEM, 0, NULL},
    {"marshal]::copy", K_INMEM, 0, NULL},
    {"getdelegateforfunctionpointer", K_INMEM, 0, NULL},
    {"rtlmovememory", K_INMEM, 0, NULL},
    {"deserialize_2", K_INMEM, 0, NULL},
    {"add-type", K_ADDTYPE, LB, NULL},
    {"dllimport", K_DLLIMPORT, 0, NULL},
    {"amsiutils", K_AMSI, 0, NULL},
    {"amsiinitfailed", K_AMSI, 0, NULL},
    {"amsiscanbuffer", K_AMSI, 0, NULL},
    {"set-mppreference", K_MPPREF, 0, NULL},
    {"add-mppreference", K_MPPREF, 0, NULL},
    {"-disablerealtimemonitoring", K_MPFLAG, 0, NULL},
    {"-disableioavprotection", K_MPFLAG, 0, NULL},
    {"-disablebehaviormonitoring", K_MPFLAG, 0, NULL},
    {"-disablescriptscanning", K_MPFLAG, 0, NULL},
    {"-exclusionpath", K_MPFLAG, 0, NULL},
    {"-exclusionprocess", K_MPFLAG, 0, NULL},
    {"-exclusionextension", K_MPFLAG, 0, NULL},
    {"-executionpolicy bypass", K_BYPASS, 0, NULL},
    {"-executionpolicy unrestricted", K_BYPASS, 0, NULL},
    {"set-executionpolicy bypass", K_BYPASS, 0, NULL},
    {"set-executionpolicy unrestricted", K_BYPASS, 0, NULL},
    {"mshta", K_MSHTA, LB, NULL},
    {"rundll32", K_RUNDLL, LB, NULL},
    {"regsvr32", K_REGSVR, LB, NULL},
    {"javascript:", K_PROTO, 0, NULL},
    {"vbscript:", K_PROTO, 0, NULL},
    {"runhtmlapplication", K_PROTO, 0, NULL},
    {"http://", K_HTTPURL, 0, NULL},
    {"https://", K_HTTPURL, 0, NULL},
    {"scrobj", K_SCROBJ, 0, NULL},
    {"/i:http", K_SCROBJ, 0, NULL},
    {"-i:http", K_SCROBJ, 0, NULL},
    {"cmd", K_LAUNCHER, LB | RB | LNK, NULL},
    {"%comspec%", K_LAUNCHER, LNK, NULL},
    {"powershell", K_LAUNCHER, LB | LNK, NULL},
    {"pwsh", K_LAUNCHER, LB | LNK, NULL},
    {"mshta", K_LAUNCHER, LB | LNK, NULL},
    {"wscript", K_LAUNCHER, LB | LNK, NULL},
    {"cscript", K_LAUNCHER, LB | LNK, NULL},
    {"rundll32", K_LAUNCHER, LB | LNK, NULL},
    {"regsvr32", K_LAUNCHER, LB | LNK, NULL},
    {"certutil", K_LAUNCHER, LB | LNK, NULL},
    {"bitsadmin", K_LAUNCHER, LB | LNK, NULL},
    {"msiexec", K_LAUNCHER, LB | LNK, NULL},
    {"forfiles", K_LAUNCHER, LB | LNK, NULL},
    {"conhost", K_LAUNCHER, LB | LNK, NULL},
    {"schtasks", K_LAUNCHER, LB | LNK, NULL},
    {"wmic", K_LAUNCHER, LB | LNK, NULL},
    {"curl", K_LAUNCHER, LB | RB | LNK, NULL},
    {"powershell", K_PSCTX, LB, NULL},
    {"pwsh", K_PSCTX, LB, NULL},
    {"new blob", K_BLOB, MARKUP, NULL},
    {"new window.blob", K_BLOB, MARKUP, NULL},
    {"new self.blob", K_BLOB, MARKUP, NULL},
    {"createobjecturl", K_OBJURL, MARKUP, NULL},
    {"mssaveoropenblob", K_OBJURL, MARKUP, NULL},
    {"mssaveblob", K_OBJURL, MARKUP, NULL},
    {"download", K_DLATTR, MARKUP, download_attr},
    {".click(", K_CLICK, MARKUP, NULL},
    {"data:application/", K_DATAAPP, MARKUP, data_base64},
    {"atob(", K_ATOB, LB | MARKUP, atob_long},
};

typedef struct FOUND {
    const char *ev[NK]; /* the first keyword of each class found, or NULL */
} FOUND;

/* ---------------------------------------------------------------- views */

/*
 * view - p as the keyword scan reads it (see the top of this file); NULL when memory
 * for a sender-sized copy is not available
 */
static char *view(const unsigned char *p, size_t n, bool strip, bool ticks, size_t *len)
{
    char *v = try_malloc(n + 1);
    size_t k = 0;
    if (v == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if ((strip && (c == '^' || c == '"')) || (ticks && c == '`'))
            continue;
        if (c == ' ' || (c >= '\t' && c <= '\r')) {
            char w = (c == '\n' || c == '\r') ? '\n' : ' ';
            if (k > 0 && (v[k - 1] == ' ' || v[k - 1] == '\n')) {
                if (w == '\n')
                    v[k - 1] = '\n';
                continue;
            }
            v[k++] = w;
            continue;
        }
        v[k++] = (char)tolower(c);
    }
    v[k] = 0;
    *len = k;
    return v;
}

/* wordc - a character that continues a word */
static bool wordc(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* ---------------------------------------------------------------- validators */

/* run_hidden - .Run(cmd, 0 ...) or .Run cmd, 0: the window-style argument is 0 */
static bool run_hidden(const char *v, size_t n, size_t at, size_t k)
{
    size_t i = at + k;
    size_t depth = 0;
    if (i < n && v[i] == ' ')
        i++;
    if (i < n && v[i] == '(')
        i++;
    size_t end = i + RUN_SCAN < n ? i + RUN_SCAN : n;
    char q = 0;
    for (; i < end; i++) {
        char c = v[i];
        if (q) {
            q = c == q ? 0 : q;
        } else if (c == '"' || c == '\'') {
            q = c;
        } else if (c == '(' || c == '[') {
            depth++;
        } else if (c == ')' || c == ']') {
            if (depth == 0)
                return false; /* the end of the call: one argument only */
            depth--;
        } else if (c == ',' && depth == 0) {
            size_t j = i + 1 < n && v[i + 1] == ' ' ? i + 2 : i + 1;
            return j < n && v[j] == '0' && (j + 1 >= n || !wordc(v[j + 1]));
        } else if (c == '\n' || c == ';') {
            return false;
        }
    }
    return false;
}

/* download_attr - "download" as an attribute or property: after ' ' or '.', before '=' */
static bool download_attr(const char *v, size_t n, size_t at, size_t k)
{
    char before = at > 0 ? v[at - 1] : 0;
    size_t j = at + k < n && v[at + k] == ' ' ? at + k + 1 : at + k;
    return (before == ' ' || before == '.' || before == '\n') && j < n &&
           (v[j] == '=' || ((v[j] == '>' || v[j] == '/') && j == at + k));
}

/* data_base64 - data:application/...;base64, */
static bool data_base64(const char *v, size_t n, size_t at, size_t k)
{
    size_t end = at + k + 80 < n ? at + k + 80 : n;
    for (size_t i = at + k; i < end && v[i] != '"' && v[i] != '\'' && v[i] != ' '; i++)
        if (v[i] == ';' && end - i >= 8 && memcmp(v + i, ";base64,", 8) == 0)
            return true;
    return false;
}

/* atob_long - atob("<at least ATOB_MIN base64 characters>") */
static bool atob_long(const char *v, size_t n, size_t at, size_t k)
{
    size_t i = at + k;
    if (i < n && v[i] == ' ')
        i++;
    if (i >= n || (v[i] != '"' && v[i] != '\''))
        return false;
    size_t j = ++i;
    while (j < n && j - i < ATOB_MIN &&
           (isalnum((unsigned char)v[j]) || v[j] == '+' || v[j] == '/' || v[j] == '='))
        j++;
    return j - i >= ATOB_MIN;
}

/* ---------------------------------------------------------------- scanning */

/* find_word - keyword t occurs in v with its boundaries and validator */
static bool find_word(const char *v, size_t n, size_t t)
{
    const char *w = TABLE[t].word;
    size_t k = strlen(w);
    size_t checks = 0;
    size_t from = 0;
    const char *hit;
    while (from < n && (hit = memmem(v + from, n - from, w, k)) != NULL) {
        size_t at = (size_t)(hit - v);
        from = at + 1;
        if ((TABLE[t].flags & LB) && at > 0 && wordc(v[at - 1]))
            continue;
        if ((TABLE[t].flags & RB) && at + k < n && wordc(v[at + k]))
            continue;
        if (TABLE[t].ok == NULL)
            return true;
        if (TABLE[t].ok(v, n, at, k))
            return true;
        if (++checks >= MAX_CHECKS)
            return false;
    }
    return false;
}

/* prefix - w[0..k) is a prefix of full at least min long */
static bool prefix(const char *w, size_t k, const char *full, size_t min)
{
    return k >= min && k <= strlen(full) && strncmp(w, full, k) == 0;
}

/* ps_switch - classify one -name value pair of powershell.exe */
static void ps_switch(FOUND *f, const char *w, size_t k, const char *val, size_t vk)
{
    if (prefix(w, k, "windowstyle", 1) &&
        (prefix(val, vk, "hidden", 1) || (vk == 1 && val[0] == '1')))
        f->ev[K_HIDDEN] = "-w[indowstyle] hidden";
    else if ((prefix(w, k, "executionpolicy", 2) || (k == 2 && strncmp(w, "ep", 2) == 0)) &&
             (prefix(val, vk, "bypass", 2) || prefix(val, vk, "unrestricted", 2)))
        f->ev[K_BYPASS] = "-ex[ecutionpolicy]/-ep bypass";
    else if (prefix(w, k, "noprofile", 3) || prefix(w, k, "noninteractive", 4))
        f->ev[K_NOPROFILE] = "-nop[rofile]/-noni[nteractive]";
    else if ((prefix(w, k, "encodedcommand", 1) || (k == 2 && strncmp(w, "ec", 2) == 0)) &&
             vk >= 16)
        f->ev[K_ENCFLAG] = "-e[ncodedcommand]";
}

/* ps_switches - the switches of powershell.exe in view v (one forward scan) */
static void ps_switches(FOUND *f, const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t dl =
            v[i] == '-' || v[i] == '/' ? 1
            : (n - i >= 3 && (unsigned char)v[i] == 0xE2 && (unsigned char)v[i + 1] == 0x80 &&
               (unsigned char)v[i + 2] >= 0x93 && (unsigned char)v[i + 2] <= 0x95)
                ? 3
                : 0;
        if (dl == 0 || (i > 0 && !strchr(" \"'(\n", v[i - 1])))
            continue;
        size_t w = i + dl;
        size_t e = w;
        while (e < n && e - w < 20 && islower((unsigned char)v[e]))
            e++;
        if (e == w || e >= n || (v[e] != ' ' && v[e] != ':'))
            continue;
        size_t s = e + 1;
        size_t t = s;
        while (t < n && t - s < 64 && (isalnum((unsigned char)v[t]) || v[t] == '+' || v[t] == '/'))
            t++;
        ps_switch(f, v + w, e - w, v + s, t - s);
        i = e;
    }
}

/* bat_obfuscated - %X:~n,m% substrings, or carets inside words, in the raw text */
static bool bat_obfuscated(const unsigned char *p, size_t n)
{
    size_t subs = 0;
    size_t carets = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        if (p[i] == ':' && p[i + 1] == '~')
            subs++;
        else if (p[i] == '^' && isalnum(p[i - 1]) && isalnum(p[i + 1]))
            carets++;
    }
    return subs >= BAT_SUBSTR || carets >= BAT_CARETS;
}

/* scan_view - every applicable keyword of TABLE in one view */
static void scan_view(FOUND *f, const char *v, size_t n, unsigned allow)
{
    for (size_t t = 0; t < sizeof(TABLE) / sizeof(TABLE[0]); t++) {
        unsigned need = TABLE[t].flags & (PS | LNK | MARKUP);
        if (f->ev[TABLE[t].cls] || (need & ~allow) != 0)
            continue;
        if (find_word(v, n, t))
            f->ev[TABLE[t].cls] = TABLE[t].word;
    }
}

/* ---------------------------------------------------------------- decoded layers */

/* The deobf passes, in the order of the bits of FWD.hows. */
static const char *const HOWS[] = {
    "concat",  "charcodes", "escapes", "base64", "encodedcommand", "frombase64string", "reverse",
    "replace", "vbe",       "jse",     "cmdset", "carets",         "psnorm",           "strarray"};

enum {
    H_CHARCODES = 1u << 1,
    H_ENCCMD = 1u << 4,
    H_REVERSE = 1u << 6,
    H_REPLACE = 1u << 7,
    H_VBE = 1u << 8,
    H_JSE = 1u << 9,
    H_PSNORM = 1u << 12,
    H_STRARRAY = 1u << 13
};

typedef struct FWD {
    HEUR_CTX *c;
    unsigned hows; /* bit i: a layer came from HOWS[i] */
} FWD;

/* forward - one decoded layer: remember its pass, hand it to scan.c */
static void forward(void *ctx, const char *how, const char *lang, const char *data, size_t n)
{
    FWD *w = ctx;
    for (size_t i = 0; i < sizeof(HOWS) / sizeof(HOWS[0]); i++)
        if (strcmp(how, HOWS[i]) == 0)
            w->hows |= 1u << i;
    if (w->c->emit)
        w->c->emit(w->c->emit_ctx, how, lang, (const unsigned char *)data, n);
}

/* ---------------------------------------------------------------- reporting */

/* report_com - COM objects created by the script */
static void report_com(HEUR_CTX *c, const FOUND *f)
{
    const char *via = f->ev[K_CREATE];
    if (via == NULL)
        return;
    if (f->ev[K_SHELL])
        hits_add(c->hits, "SCRIPT_COM_SHELL", c->location, "'%s' via %s", f->ev[K_SHELL], via);
    if (f->ev[K_HTTP])
        hits_add(c->hits, "SCRIPT_COM_HTTP", c->location, "'%s' via %s", f->ev[K_HTTP], via);
    if (f->ev[K_STREAM])
        hits_add(c->hits, "SCRIPT_COM_STREAM", c->location, "'%s' via %s", f->ev[K_STREAM], via);
    if (f->ev[K_FSO])
        hits_add(c->hits, "SCRIPT_COM_FSO", c->location, "'%s' via %s", f->ev[K_FSO], via);
}

/* launch_ev - evidence of a process launch other than IEX, or NULL */
static const char *launch_ev(const FOUND *f)
{
    if (f->ev[K_EXEC])
        return f->ev[K_EXEC];
    if (f->ev[K_RUN] && f->ev[K_SHELL])
        return f->ev[K_RUN];
    if (f->ev[K_WIN32P] && f->ev[K_CREATECALL])
        return "win32_process create";
    return NULL;
}

/* download_ev - evidence of a download, or NULL */
static const char *download_ev(const FOUND *f)
{
    if (f->ev[K_DOWNLOAD])
        return f->ev[K_DOWNLOAD];
    if ((f->ev[K_HTTP] || f->ev[K_STREAM]) && f->ev[K_RESPBODY] && f->ev[K_SAVETOFILE])
        return "http responsebody + savetofile";
    return NULL;
}

/* stealth_ev - evidence of hiding (window, policy, in memory, AMSI), or NULL */
static const char *stealth_ev(const FOUND *f)
{
    if (f->ev[K_HIDDEN])
        return f->ev[K_HIDDEN];
    if (f->ev[K_RUNHIDDEN] && (f->ev[K_SHELL] || f->ev[K_CREATE]))
        return ".run(..., 0)";
    if (f->ev[K_BYPASS])
        return f->ev[K_BYPASS];
    if (f->ev[K_INMEM])
        return f->ev[K_INMEM];
    if (f->ev[K_ADDTYPE] && f->ev[K_DLLIMPORT])
        return "add-type + dllimport";
    return f->ev[K_AMSI];
}

/* report_chain - launch, download, and the chains they make */
static void report_chain(HEUR_CTX *c, const FOUND *f)
{
    const char *run = launch_ev(f);
    const char *dl = download_ev(f);
    const char *iex = f->ev[K_IEX];
    const char *exec = run ? run : iex;
    const char *hide = stealth_ev(f);
    if (run)
        hits_add(c->hits, "SCRIPT_PROCESS_LAUNCH", c->location, "'%s'", run);
    if (iex)
        hits_add(c->hits, "PS_INVOKE_EXPRESSION", c->location, "'%s'", iex);
    if (dl)
        hits_add(c->hits, "SCRIPT_DOWNLOAD", c->location, "'%s'", dl);
    if (f->ev[K_CERTUTIL] && f->ev[K_DECODEFLAG])
        hits_add(c->hits, "SCRIPT_CERTUTIL_DECODE", c->location, "certutil '%s'",
                 f->ev[K_DECODEFLAG]);
    if (dl && exec)
        hits_add(c->hits, "SCRIPT_DOWNLOAD_EXEC", c->location, "'%s' and '%s'", dl, exec);
    if (dl && exec && hide)
        hits_add(c->hits, "SCRIPT_DOWNLOAD_EXEC_STEALTH", c->location, "'%s', '%s' and '%s'", dl,
                 exec, hide);
}

/* report_stealth - in-memory loading, tampering, hidden windows, PowerShell switches */
static void report_stealth(HEUR_CTX *c, const FOUND *f, unsigned hows)
{
    const char *inmem = f->ev[K_INMEM];
    if (inmem || (f->ev[K_ADDTYPE] && f->ev[K_DLLIMPORT]))
        hits_add(c->hits, "SCRIPT_INMEMORY_LOAD", c->location, "'%s'",
                 inmem ? inmem : "add-type + dllimport");
    if (f->ev[K_AMSI])
        hits_add(c->hits, "PS_AMSI_BYPASS", c->location, "'%s'", f->ev[K_AMSI]);
    if (f->ev[K_MPPREF] && f->ev[K_MPFLAG])
        hits_add(c->hits, "PS_DEFENDER_TAMPER", c->location, "'%s %s'", f->ev[K_MPPREF],
                 f->ev[K_MPFLAG]);
    if (f->ev[K_HIDDEN] || (f->ev[K_RUNHIDDEN] && (f->ev[K_SHELL] || f->ev[K_CREATE])))
        hits_add(c->hits, "SCRIPT_HIDDEN_WINDOW", c->location, "'%s'",
                 f->ev[K_HIDDEN] ? f->ev[K_HIDDEN] : ".run(..., 0)");
    if (f->ev[K_BYPASS])
        hits_add(c->hits, "PS_EXEC_POLICY_BYPASS", c->location, "'%s'", f->ev[K_BYPASS]);
    if (f->ev[K_NOPROFILE])
        hits_add(c->hits, "PS_NOPROFILE_NONINTERACTIVE", c->location, "'%s'", f->ev[K_NOPROFILE]);
    if ((hows & H_ENCCMD) || f->ev[K_ENCFLAG])
        hits_add(c->hits, "PS_ENCODED_COMMAND", c->location, "%s",
                 (hows & H_ENCCMD) ? "-EncodedCommand with UTF-16LE base64 (decoded)"
                                   : "-EncodedCommand with a base64 argument");
}

/* report_proxy - a signed Windows binary running script: mshta/rundll32/regsvr32 */
static void report_proxy(HEUR_CTX *c, const FOUND *f)
{
    const char *how = NULL;
    if (f->ev[K_MSHTA] && (f->ev[K_PROTO] || f->ev[K_HTTPURL]))
        how = f->ev[K_PROTO] ? f->ev[K_PROTO] : f->ev[K_HTTPURL];
    else if (f->ev[K_RUNDLL] && f->ev[K_PROTO])
        how = f->ev[K_PROTO];
    else if (f->ev[K_REGSVR] && f->ev[K_SCROBJ])
        how = f->ev[K_SCROBJ];
    if (how)
        hits_add(c->hits, "SCRIPT_LOLBIN_PROXY", c->location, "%s with '%s'",
                 f->ev[K_MSHTA]    ? "mshta"
                 : f->ev[K_RUNDLL] ? "rundll32"
                                   : "regsvr32",
                 how);
}

/* report_markup - a page that builds a file in the browser (HTML smuggling) */
static void report_markup(HEUR_CTX *c, const FOUND *f)
{
    const char *how = NULL;
    if (f->ev[K_BLOB] && f->ev[K_OBJURL] && (f->ev[K_DLATTR] || f->ev[K_CLICK]))
        how = f->ev[K_DLATTR] ? "new Blob() + createObjectURL/msSaveOrOpenBlob + download"
                              : "new Blob() + createObjectURL/msSaveOrOpenBlob + click()";
    else if (f->ev[K_DATAAPP] && f->ev[K_DLATTR])
        how = "download of a data:application/...;base64 URL";
    else if (f->ev[K_ATOB])
        how = "atob() of a large base64 literal";
    if (how)
        hits_add(c->hits, "HTML_SMUGGLING", c->location, "%s", how);
}

/* report_misc - shortcut launchers, encoded and obfuscated scripts, the layer limit */
static void report_misc(HEUR_CTX *c, const FOUND *f, unsigned hows, bool obf_bat, size_t outs)
{
    if (f->ev[K_LAUNCHER])
        hits_add(c->hits, "SCRIPT_LNK_LAUNCHER", c->location, "shortcut command line runs '%s'",
                 f->ev[K_LAUNCHER]);
    if (hows & (H_VBE | H_JSE))
        hits_add(c->hits, "SCRIPT_ENCODED", c->location, "Script Encoder block (%s) decoded",
                 (hows & H_VBE) ? "VBScript.Encode" : "JScript.Encode");
    if (hows & (H_CHARCODES | H_REVERSE | H_REPLACE | H_PSNORM | H_STRARRAY))
        hits_add(c->hits, "SCRIPT_OBFUSCATED", c->location, "strings built by%s%s%s%s%s",
                 (hows & H_CHARCODES) ? " char codes" : "", (hows & H_REVERSE) ? " reversal" : "",
                 (hows & H_REPLACE) ? " replace" : "",
                 (hows & H_PSNORM) ? " PowerShell token tricks" : "",
                 (hows & H_STRARRAY) ? " a string array and its decoder" : "");
    if (obf_bat)
        hits_add(c->hits, "BAT_OBFUSCATED", c->location,
                 "%%X:~n,m%% substrings or carets inside words");
    if (outs >= MAX_OUTPUTS)
        failure_hit(c->hits, MSG_ERR_LIMIT_SCRIPT_DECODED, c->location,
                    "%d decoded layers; the rest of this buffer was not decoded", MAX_OUTPUTS);
}

/* lang_in - lang is one of the space-separated tokens in list */
static bool lang_in(const char *lang, const char *list)
{
    return words_hasz(list, lang);
}

/* scan_text - the keyword scan over one view: table, then PowerShell switches */
static bool scan_text(FOUND *f, const unsigned char *data, size_t n, bool strip, bool ps1,
                      unsigned allow)
{
    size_t vn;
    char *v = view(data, n, strip, ps1, &vn);
    if (v == NULL)
        return false;
    bool psctx = ps1 || memmem(v, vn, "powershell", 10) || memmem(v, vn, "pwsh", 4);
    scan_view(f, v, vn, allow | (psctx ? PS : 0));
    if (psctx)
        ps_switches(f, v, vn);
    free(v);
    return true;
}

/* heur_script - decode, forward the layers, score the behaviour (see heur_script.h) */
void heur_script(HEUR_CTX *c, const char *lang, const unsigned char *data, size_t n)
{
    if (c == NULL || data == NULL || n == 0)
        return;
    lang = lang ? lang : "";
    FWD w = {c, 0};
    DEOBF_LIMITS lim = {c->max_decoded ? c->max_decoded : 4u << 20, MAX_OUTPUTS,
                        c->min_base64 ? c->min_base64 : 40};
    size_t outs = deobf_run(lang, (const char *)data, n, &lim, forward, &w);
    bool ps1 = strcmp(lang, "ps1") == 0;
    bool cmdline = lang_in(lang, "bat cmd lnk");
    unsigned allow =
        (strcmp(lang, "lnk") == 0 ? LNK : 0) | (lang_in(lang, "html svg hta xhtml") ? MARKUP : 0);
    FOUND f = {{0}};
    if (c->hits == NULL || !scan_text(&f, data, n, false, ps1, allow))
        return; /* no list, or no memory for a copy of a sender-sized buffer: layers only */
    if (cmdline)
        scan_text(&f, data, n, true, false, allow);
    report_com(c, &f);
    report_chain(c, &f);
    report_stealth(c, &f, w.hows);
    report_proxy(c, &f);
    if (allow & MARKUP)
        report_markup(c, &f);
    report_misc(c, &f, w.hows, cmdline && bat_obfuscated(data, n), outs);
}
