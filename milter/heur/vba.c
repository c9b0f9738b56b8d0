/*
 * heur_vba - graded analysis of one VBA project
 *
 * The contract is in heur_vba.h; every byte looked at here is chosen by the sender.
 * Why graded: mraptor's AutoExec and (Write or eXecute) has the right shape, but it calls
 * any CreateObject execute and knows neither registry writes nor decoding. Capabilities of
 * the whole project count together (trigger in ThisDocument, Shell in Module1); their
 * combinations carry the weight, so a macro that formats cells, even from Workbook_Open,
 * stays low. A button's Click is not auto-exec; self-firing ActiveX events (_Layout) are.
 *
 * Linear work: a module becomes a view (lower case outside literals, no comments, one space
 * per blank run) walked once for keywords; look-aheads stop after LOOK bytes. A constant
 * folder over the view joins literals, Chr*() of + - arithmetic, StrReverse, Replace and vb
 * constants; nesting stops at FOLD_DEPTH, so a token is re-read at most FOLD_DEPTH times.
 * Folded strings and base64/hex runs go to c->emit (deduplicated, EMIT_MAX layers,
 * max_decoded bytes in all) and are walked again: a command word seen only there is
 * VBA_HIDDEN_COMMAND. The folder lives in vba_fold.c (shared state: vba_int.h); Excel 4
 * macro sheets in xlm.c.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "heur/vba.h"
#include "heur/vba_int.h"
#include "lib/str.h"
#include "lib/xalloc.h"

static const struct {
    unsigned char cat, fl;
    const char *words; /* '|'-separated, lower case */
} kwg[] = {
    {C_OPEN, F_STMT | F_NODOT, "open"},
    {C_NAMEAS, F_STMT, "name"},
    {C_WRITE, F_STMT | F_CALL, "filecopy|kill"},
    {C_WRITE, 0, "put #|print #|write #|savetofile|createtextfile|writetext|copyfile|movefile"},
    {C_WRITE, F_HID, "adodb.stream"},
    {C_EXEC, F_CALL | F_NODOT, "shell|vba.shell|interaction.shell"},
    {C_EXEC, F_HID,
     "wscript.shell|shell.application|winexec|schtasks|schedule.service|mmc20.application|"
     "pwsh|cmd.exe|cmd /c|cmd /k|wscript.exe|macscript|executeexcel4macro|ddeinitiate|"
     "msscriptcontrol.scriptcontrol|scriptcontrol"},
    {C_EXEC, F_HID | F_PFX,
     "shellexecute|createprocess|powershell|mshta|cscript|rundll32|regsvr32|msiexec"},
    {C_DOWNLOAD, F_HID | F_PFX,
     "urldownloadtofile|msxml2.xmlhttp|msxml2.serverxmlhttp|microsoft.xmlhttp|"
     "winhttp.winhttprequest|internetexplorer.application|bitsadmin|certutil"},
    {C_DOWNLOAD, F_HID,
     "urlmon|net.webclient|downloadstring|downloadfile|invoke-webrequest|start-bitstransfer|"
     "responsebody"},
    {C_REG, F_HID | F_PFX,
     "regwrite|reg add|reg.exe add|new-itemproperty|set-itemproperty|regsetvalueex"},
    {C_STDREGPROV, F_HID, "stdregprov"},
    {C_REGSET, 0,
     "setstringvalue|setexpandedstringvalue|setbinaryvalue|setdwordvalue|setqwordvalue|"
     "setmultistringvalue"},
    {C_RUNKEY, F_PFX, "\\currentversion\\run"},
    {C_SAVESETTING, 0, "savesetting"},
    {C_DECL, 0, "declare"},
    {C_SHELLCODE, F_PFX,
     "virtualalloc|virtualprotect|rtlmovememory|writeprocessmemory|createthread|"
     "createremotethread|queueuserapc|ntallocatevirtualmemory|enumsystemcodepages|"
     "enumsystemlanguagegroups"},
    {C_WMI, F_HID | F_PFX, "winmgmts|wbemscripting.swbemlocator"},
    {C_WIN32PROC, F_HID | F_PFX, "win32_process"},
    {C_CREATE, 0, ".create|\"create\""},
    {C_CALLBYNAME, 0, "callbyname"},
    {C_CHR, 0, "chr|chrw|chrb"},
    {C_STRREV, 0, "strreverse"},
    {C_REPLCHAIN, 0, "replace(replace(replace("},
    {C_PROC, 0, "sub|function"}};

/* procedures Office runs by itself; events that fire without a user; ActiveX controls whose
 * Click/Change/... fire while the document loads */
static const char auto_names[] =
    "autoopen auto_open autoclose auto_close autoexec autonew autoexit document_open "
    "document_close document_new documentopen documentbeforeclose document_beforeclose "
    "workbook_open workbook_activate workbook_beforeclose workbook_deactivate auto_activate "
    "auto_deactivate userform_initialize userform_activate onslideshowpagechange "
    "onslideshowterminate application_startup";
static const char auto_events[] =
    "_layout _painted _painting _resize _gotfocus _documentcomplete _navigatecomplete2 "
    "_beforenavigate2 _downloadbegin _downloadcomplete _progresschange _propertychange "
    "_statustextchange _titlechange _documentopen _documentopened _workbookopen "
    "_presentationopen _afterpresentationopen _slideshowbegin _slideshownextslide";
static const char auto_ctls[] =
    "inkpicture inkedit frame multipage imagecombo systemmonitor webbrowser shockwaveflash";
static const char ctl_events[] = "_click _change _mousemove _enter";

/* kw_index - the keyword groups as single entries (per call: no state shared by threads) */
static void kw_index(VS *v)
{
    for (size_t g = 0; g < NELEM(kwg); g++) {
        const char *p = kwg[g].words;
        while (*p && v->nkw < KW_MAX) {
            size_t len = strcspn(p, "|");
            v->kw[v->nkw++] = (KW){p, (unsigned char)len, kwg[g].cat, kwg[g].fl};
            p += len;
            if (*p == '|')
                p++;
        }
    }
}

/* in_list - p[0..n) is a word of the list (mode 1: ends with one, 2: starts with one) */
static bool in_list(const char *list, const char *p, size_t n, int mode)
{
    for (const char *w = list; *w; w += *w == ' ') {
        size_t m = strcspn(w, " ");
        if (mode == 0 ? n == m && strncasecmp(p, w, n) == 0
                      : n > m && strncasecmp(mode == 1 ? p + n - m : p, w, m) == 0)
            return true;
        w += m;
    }
    return false;
}

/* stmt_start - position i of a view begins a statement: a line start, or after ':', then,
 * else when an even number of quotes precede it on the line (LOOK bytes back at most) */
static bool stmt_start(const char *s, size_t i)
{
    if (i > 0 && s[i - 1] == ' ')
        i--;
    size_t q = 0;
    size_t j = i;
    if (i == 0 || s[i - 1] == '\n')
        return true;
    if (s[i - 1] != ':' &&
        (i < 4 || (i > 4 && idc(s[i - 5])) ||
         (memcmp(s + i - 4, "then", 4) != 0 && memcmp(s + i - 4, "else", 4) != 0)))
        return false;
    while (j > 0 && i - j < LOOK && s[j - 1] != '\n')
        q += s[--j] == '"';
    return q % 2 == 0;
}

/* line_has - needle occurs from i to the end of the line, at most LOOK bytes on */
static bool line_has(const char *s, size_t n, size_t i, const char *needle)
{
    size_t e = i;
    while (e < n && e - i < LOOK && s[e] != '\n')
        e++;
    return i < e && str_memmem_ci(s + i, e - i, needle) != NULL;
}

/* proc_auto - `sub name` / `function name` at i defines a procedure Office calls itself */
static bool proc_auto(VS *v, const char *s, size_t n, size_t i)
{
    size_t j = i > 0 && s[i - 1] == ' ' ? i - 1 : i; /* the word before: end sub, declare */
    size_t b = j;
    while (b > 0 && j - b < 8 && idc(s[b - 1]))
        b--;
    size_t k = i + (s[i] == 's' ? 3 : 8); /* the procedure's name after sub / function */
    if (k < n && s[k] == ' ')
        k++;
    size_t e = k;
    while (e < n && idc(s[e]))
        e++;
    const char *p = s + k;
    if (in_list("end exit declare ptrsafe", s + b, j - b, 0) || /* end sub, declare function */
        (!in_list(auto_names, p, e - k, 0) && !in_list(auto_events, p, e - k, 1) &&
         !(in_list(auto_ctls, p, e - k, 2) && in_list(ctl_events, p, e - k, 1))))
        return false;
    if (!v->autoname[0])
        snprintf(v->autoname, sizeof(v->autoname), "%.*s", (int)(e - k), p);
    return true;
}

/* kw_fits - the keyword at i stands as a word where its flags want it */
static bool kw_fits(const char *s, size_t n, size_t i, const KW *w, bool dec)
{
    size_t e = i + w->len;
    if ((dec && (w->cat >= C_OPEN || (w->fl & F_STMT))) || /* no statements in decoded text */
        (idc(w->w[w->len - 1]) && !(w->fl & F_PFX) && e < n && idc(s[e])) ||
        ((w->fl & F_NODOT) && i > 0 && s[i - 1] == '.') || ((w->fl & F_STMT) && !stmt_start(s, i)))
        return false;
    e += e < n && s[e] == ' ';
    return !(w->fl & F_CALL) || (e < n && (s[e] == '(' || s[e] == '"' || idc(s[e])) &&
                                 (n - e < 3 || memcmp(s + e, "as ", 3) != 0)); /* dim x as */
}

/* kw_hit - record keyword k found at i: its category, or the outcome of its second look */
static void kw_hit(VS *v, const char *s, size_t n, size_t i, unsigned k, bool dec)
{
    const KW *w = &v->kw[k];
    int cat = w->cat;
    int len = w->len;
    const char *ev = w->w;
    if (dec)
        v->kwd[k] = 1;
    else
        v->kwc[k] = 1;
    v->nchr += cat == C_CHR;
    v->nrev += cat == C_STRREV;
    v->nreplchain += cat == C_REPLCHAIN;
    if (cat == C_OPEN && (line_has(s, n, i, " for output") || line_has(s, n, i, " for append") ||
                          ((line_has(s, n, i, " for binary") || line_has(s, n, i, " for random")) &&
                           !(line_has(s, n, i, " access read") && !line_has(s, n, i, " write"))))) {
        cat = C_WRITE; /* not read-only */
        ev = "open ... for output/binary";
        len = 26;
    }
    if (cat == C_NAMEAS && line_has(s, n, i + w->len, " as ")) {
        cat = C_WRITE;
        ev = "name ... as";
        len = 11;
    }
    if (cat == C_DECL && line_has(s, n, i, " lib ")) {
        if (!v->declname[0])
            snprintf(v->declname, sizeof(v->declname), "%.*s", (int)strcspn(s + i, "\n"), s + i);
        cat = C_DECLARE;
        ev = v->declname;
        len = (int)strlen(ev);
    }
    if (cat == C_PROC && proc_auto(v, s, n, i)) {
        cat = C_AUTO;
        ev = v->autoname;
        len = (int)strlen(ev);
    }
    if (cat < NCAT && !v->seen[cat]) {
        v->seen[cat] = true;
        v->ev[cat] = ev;
        v->evlen[cat] = len;
        v->evdec[cat] = dec;
    }
}

/* kw_scan - one walk over a view: at each word start, the keywords of that first letter */
static void kw_scan(VS *v, const char *s, size_t n, bool dec)
{
    for (size_t i = 0; i < n; i++) {
        int ch = LOW((unsigned char)s[i]);
        for (unsigned k = 0; k < v->nkw && !(i > 0 && idc(ch) && idc(s[i - 1])); k++) {
            const KW *w = &v->kw[k];
            if (w->w[0] == ch && w->len <= n - i && strncasecmp(s + i, w->w, w->len) == 0 &&
                kw_fits(s, n, i, w, dec))
                kw_hit(v, s, n, i, k, dec);
        }
    }
}

/* view_add - a module as a view (see the top); counts lines longer than LONG_LINE */
static void view_add(VS *v, BUF *o, const char *s, size_t n)
{
    bool str = false;
    for (size_t i = 0, col = 0; i < n; i++, col++) {
        int ch = (unsigned char)s[i];
        bool rem = !str && n - i >= 4 && strncasecmp(s + i, "rem", 3) == 0 &&
                   (s[i + 3] == ' ' || s[i + 3] == '\t') && stmt_start(o->data, o->len);
        if ((!str && ch == '\'') || rem) {
            const char *e = memchr(s + i, '\n', n - i);
            i = e ? (size_t)(e - s) - 1 : n - 1;
        } else if (ch == '\n') {
            v->longlines += col > LONG_LINE;
            str = false;
            col = 0;
            buf_putc(o, '\n');
        } else if (ch == ' ' || ch == '\t' || ch == '\r') {
            if (o->len && o->data[o->len - 1] != ' ' && (str || o->data[o->len - 1] != '.'))
                buf_putc(o, ' ');
        } else {
            str ^= ch == '"';
            buf_putc(o, str ? ch : LOW(ch));
        }
    }
    buf_putc(o, '\n');
}

/* report_obf - VBA_OBFUSCATION naming every technique seen; VBA_HIDDEN_COMMAND */
static void report_obf(VS *v)
{
    const struct {
        bool on;
        const char *fmt;
        size_t a;
    } t[] = {{v->maxchr >= 8, "; chr() chain of %zu", v->maxchr},
             {v->nchr >= 40, "; %zu chr() calls", v->nchr},
             {v->nrevlit || v->nrev >= 3, "; strreverse x%zu", v->nrev},
             {v->nrepllit || v->nreplchain, "; replace() x%zu", v->nrepllit + v->nreplchain},
             {v->nb64 > 0, "; base64/hex literals x%zu", v->nb64},
             {v->maxterms >= 8 || v->joins >= 40, "; split strings (%zu joins)", v->joins},
             {v->longlines >= 3, "; %zu lines over 1000 bytes", v->longlines}};
    BUF *b = buf_new(128);
    for (size_t k = 0; k < NELEM(t); k++)
        if (t[k].on)
            buf_printf(b, t[k].fmt, t[k].a);
    if (b->len)
        hits_add(v->c->hits, "VBA_OBFUSCATION", v->c->location, "%s", b->data + 2);
    unsigned k = 0;
    while (k < v->nkw && !((v->kw[k].fl & F_HID) && v->kwd[k] && !v->kwc[k]))
        k++;
    if (k < v->nkw)
        hits_add(v->c->hits, "VBA_HIDDEN_COMMAND", v->c->location, "'%.*s' only after decoding",
                 (int)v->kw[k].len, v->kw[k].w);
    buf_free(b);
}

/* report - the graded symbols of one project; details quote the evidence */
static void report(VS *v, size_t n, size_t bytes)
{
    HITS *h = v->c->hits;
    const char *at = v->c->location;
    char e[NCAT][100];
    char a[110];
    for (int k = 0; k < NCAT; k++)
        snprintf(e[k], sizeof(e[k]), "%.*s%s", v->evlen[k], v->ev[k] ? v->ev[k] : "?",
                 v->evdec[k] ? " (decoded)" : "");
    bool ae = v->seen[C_AUTO];
    bool wr = v->seen[C_WRITE];
    bool dl = v->seen[C_DOWNLOAD];
    bool wmi = v->seen[C_WIN32PROC] && v->seen[C_CREATE];
    bool ex = v->seen[C_EXEC] || wmi || v->dynobj;
    bool reg = v->seen[C_REG] || (v->seen[C_STDREGPROV] && v->seen[C_REGSET]);
    const char *x = v->seen[C_EXEC] ? e[C_EXEC] : wmi ? e[C_WIN32PROC] : v->dynev;
    snprintf(a, sizeof(a), "%s%s", ae ? e[C_AUTO] : "", ae ? " + " : "");
    hits_add(h, "VBA_MACRO_PRESENT", at, "%zu module(s), %zu bytes", n, bytes);
    if (ae)
        hits_add(h, "VBA_AUTOEXEC", at, "%s", e[C_AUTO]);
    if (wr)
        hits_add(h, ae ? "VBA_AUTOEXEC_WRITE" : "VBA_WRITE", at, "%s%s", a, e[C_WRITE]);
    if (ex)
        hits_add(h, ae ? "VBA_AUTOEXEC_EXECUTE" : "VBA_EXECUTE", at, "%s%s", a, x);
    if (dl)
        hits_add(h, ae ? "VBA_AUTOEXEC_DOWNLOAD" : "VBA_DOWNLOAD", at, "%s%s", a, e[C_DOWNLOAD]);
    if (ex && dl)
        hits_add(h, ae ? "VBA_AUTOEXEC_EXEC_DOWNLOAD" : "VBA_EXEC_DOWNLOAD", at, "%s%s + %s", a, x,
                 e[C_DOWNLOAD]);
    if (reg)
        hits_add(h, "VBA_REGISTRY_WRITE", at, "%s%s%s", e[v->seen[C_REG] ? C_REG : C_REGSET],
                 v->seen[C_RUNKEY] ? " -> " : "", v->seen[C_RUNKEY] ? e[C_RUNKEY] : "");
    static const int cat[] = {C_SAVESETTING, C_DECLARE, C_SHELLCODE, C_CALLBYNAME};
    static const char *const sym[] = {"VBA_SAVESETTING", "VBA_DECLARE_LIB", "VBA_SHELLCODE_API",
                                      "VBA_CALLBYNAME"};
    for (size_t k = 0; k < NELEM(cat); k++)
        if (v->seen[cat[k]])
            hits_add(h, sym[k], at, "%s", e[cat[k]]);
    if (wmi)
        hits_add(h, "VBA_WMI_PROCESS", at, "%s + %s", e[C_WIN32PROC], e[C_CREATE]);
    if (v->dynobj)
        hits_add(h, "VBA_DYNAMIC_OBJECT", at, "x%zu: %s", v->dynobj, v->dynev);
    report_obf(v);
}

/* heur_vba - see heur_vba.h */
void heur_vba(HEUR_CTX *c, const char *const *src, const size_t *len, size_t n)
{
    if (c == NULL || c->hits == NULL || src == NULL || len == NULL || n == 0)
        return;
    VS *v = xcalloc(1, sizeof(*v));
    BUF *view = buf_new(1024);
    size_t bytes = 0;
    v->c = c;
    v->dec = buf_new(256);
    v->cap = c->max_decoded ? c->max_decoded : 4u << 20;
    v->env = venv_new(v->cap < 65536 ? v->cap : 65536);
    BUF *all = buf_new(1024);
    v->minb64 = c->min_base64 ? c->min_base64 : 40;
    kw_index(v);
    for (size_t i = 0; i < n; i++) {
        if (src[i] == NULL)
            continue;
        bytes += len[i];
        buf_reset(view);
        view_add(v, view, src[i], len[i]);
        kw_scan(v, view->data, view->len, false);
        vba_fold_module(v, view->data, view->len);
        buf_cat(all, view->data, view->len);
    }
    if (venv_njunk(v->env)) { /* junk markers known: fold everything again without them */
        size_t keep[] = {v->maxchr, v->nrevlit, v->nrepllit, v->joins, v->maxterms, v->nb64};
        v->pass2 = true;
        vba_fold_module(v, all->data, all->len);
        v->maxchr = keep[0];
        v->nrevlit = keep[1];
        v->nrepllit = keep[2] + 1;
        v->joins = keep[3];
        v->maxterms = keep[4];
        v->nb64 = keep[5];
    }
    kw_scan(v, v->dec->data, v->dec->len, true);
    report(v, n, bytes);
    buf_free(view);
    buf_free(v->dec);
    buf_free(all);
    venv_free(v->env);
    free(v);
}
