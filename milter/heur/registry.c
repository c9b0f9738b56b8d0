/*
 * heur/registry - registry droppers: write + autostart/handler key + launcher + encoded
 *                 payload, the Kovter/Poweliks/Gootloader pattern (see heur_registry.h)
 *
 * How it works: one forward pass over the text. At every byte the few patterns that can
 * start with it (an index by first character, built per call) are tried; each pattern is
 * short and anchored, so a try costs O(pattern length). A match becomes an EVENT - a
 * registry key of some class, a write operation, a launcher, a registry context (a hive
 * name), a Debugger value, a user-writable path - or a PRECURSOR (mshta, rundll32,
 * powershell, \shell\, \Winlogon, IFEO ...) that a later pattern needs within a few
 * bytes (`javascript:` counts as a launcher only right after mshta or rundll32 on the
 * same line). Base64/hex runs are measured on the fly in the same pass.
 *
 * Only the LAST event of each kind is kept. After each event the combinations are
 * re-checked in O(1): a combination holds when its members lie within WINDOW bytes of
 * each other (latest start minus earliest end). The last event of a kind is the one
 * closest to anything that follows, so keeping only it loses almost nothing, and there is
 * no list to rescan: the whole call is linear in n whatever the attacker writes (5 MB of
 * "Run RegWrite mshta" costs the same per byte as prose). Lookbacks (path extraction for
 * details) are bounded by PATH_BACK and happen once per reported symbol.
 *
 * Why the weights are split this way: a registry path in prose, a comment or an admin
 * script that reads keys (Get-ItemProperty) is harmless, and so is an installer that
 * writes HKLM\Software\Vendor or registers itself in Run; those give only element
 * symbols (REG_*_KEY, REG_WRITE, REG_RUN_KEY_WRITE) that stay below the tag threshold.
 * A write + an autostart/handler/IFEO/COM key + a launcher (mshta javascript:, rundll32
 * javascript:..RunHTMLApplication, powershell -enc, ...) close together is what fileless
 * droppers do and nothing legitimate needs: REG_DROPPER, and with an encoded blob
 * REG_DROPPER_ENCODED. Comments are not skipped: the language is unknown here, and a
 * comment rule (`'`, `rem`, `;`) that is wrong for one language is an evasion in another.
 *
 * Each symbol is reported at most once per call (the first evidence is the detail), so a
 * hostile buffer yields at most NSYM hits. Obfuscated writes (string concatenation,
 * char codes, -EncodedCommand) are seen when scan.c hands the decoded layer back to us.
 * A UTF-16LE buffer (regedit exports .reg files that way) is narrowed first.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "heur/registry.h"
#include "model/hit.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define WINDOW    2048 /* bytes: members of one combination lie this close together */
#define PATH_BACK 160  /* how far back a key path is looked for (details only) */
#define PATH_FWD  80   /* how far a key path runs on past the matched key name */
#define PATH_OUT  120  /* longest key path quoted in a detail */
#define SNIP_OUT  72   /* longest launcher text quoted in a detail */
#define B64_MIN   120  /* a base64 run this long (mixed case and digits) is a blob */
#define HEX_MIN   256  /* a hex run this long is a blob (a SHA-512 is 128) */

enum sym {
    S_AUTOSTART_KEY,
    S_HANDLER_KEY,
    S_IFEO_KEY,
    S_COM_KEY,
    S_PAYLOAD_KEY,
    S_WRITE,
    S_LAUNCHER,
    S_ENCODED,
    S_RUN_WRITE,
    S_IFEO_DEBUGGER,
    S_COM_HIJACK,
    S_PAYLOAD_STORE,
    S_DROPPER,
    S_DROPPER_ENCODED,
    NSYM
};

static const char *const sym_name[NSYM] = {
    "REG_AUTOSTART_KEY", "REG_HANDLER_KEY",     "REG_IFEO_KEY",       "REG_COM_KEY",
    "REG_PAYLOAD_KEY",   "REG_WRITE",           "REG_LAUNCHER_VALUE", "REG_ENCODED_VALUE",
    "REG_RUN_KEY_WRITE", "REG_IFEO_DEBUGGER",   "REG_COM_HIJACK",     "REG_PAYLOAD_STORE",
    "REG_DROPPER",       "REG_DROPPER_ENCODED",
};

/* key classes: the last key of each class is kept */
enum cls { C_AUTO, C_HANDLER, C_EXT, C_IFEO, C_COM, C_PAYLOAD, NCLS };

/* key kinds: what a detail calls the key, its class and its element symbol */
enum kk {
    KK_RUN,
    KK_RUNONCE,
    KK_RUNSVC,
    KK_WINLOGON,
    KK_LOGON,
    KK_ASETUP,
    KK_HANDLER,
    KK_EXT,
    KK_IFEO,
    KK_SPE,
    KK_COM,
    KK_PHONE,
    KK_VALAK
};

static const struct {
    const char *label;
    enum cls cls;
    enum sym sym;
} kinds[] = {
    [KK_RUN] = {"Run key", C_AUTO, S_AUTOSTART_KEY},
    [KK_RUNONCE] = {"RunOnce key", C_AUTO, S_AUTOSTART_KEY},
    [KK_RUNSVC] = {"RunServices key", C_AUTO, S_AUTOSTART_KEY},
    [KK_WINLOGON] = {"Winlogon Shell/Userinit key", C_AUTO, S_AUTOSTART_KEY},
    [KK_LOGON] = {"logon script value", C_AUTO, S_AUTOSTART_KEY},
    [KK_ASETUP] = {"Active Setup StubPath key", C_AUTO, S_AUTOSTART_KEY},
    [KK_HANDLER] = {"handler key", C_HANDLER, S_HANDLER_KEY},
    [KK_EXT] = {"extension class key", C_EXT, S_HANDLER_KEY},
    [KK_IFEO] = {"IFEO key", C_IFEO, S_IFEO_KEY},
    [KK_SPE] = {"SilentProcessExit key", C_IFEO, S_IFEO_KEY},
    [KK_COM] = {"COM server key", C_COM, S_COM_KEY},
    [KK_PHONE] = {"payload key", C_PAYLOAD, S_PAYLOAD_KEY},
    [KK_VALAK] = {"payload key", C_PAYLOAD, S_PAYLOAD_KEY},
};

/* precursors: words a later pattern must follow closely */
enum pre {
    P_MSHTA,
    P_RUNDLL,
    P_PS,
    P_WSH,
    P_REGSVR,
    P_CMD,
    P_SHELL,
    P_WINLOGON,
    P_IFEO,
    P_ASETUP,
    NPRE
};

enum ev { EV_PRE, EV_CTX, EV_KEY, EV_WRITE, EV_LAUNCH, EV_DBG, EV_UPATH };

enum {
    F_BL = 1,   /* previous byte is not a word character */
    F_BLD = 2,  /* ... and not a dot (`WScript.Shell` is no Winlogon Shell value) */
    F_BR = 4,   /* next byte is not a word character */
    F_LINE = 8, /* the precursor is on the same line */
    F_ENC = 16, /* -e may go on as any prefix of -encodedcommand */
};

#define NO (-1)

/*
 * Patterns are lower case. In a pattern `\` matches one to four backslashes (single in
 * .reg files and VBS, doubled in JS/C strings, quadrupled in strings inside strings) or
 * one `/` (PowerShell accepts HKCU:/Software/...), and a blank matches a run of blanks.
 */
typedef struct TOK {
    const char *pat;
    unsigned char ev;
    unsigned char arg;  /* key kind (EV_KEY) or precursor (EV_PRE) */
    signed char need;   /* precursor that must come first, or NO */
    unsigned short win; /* ... at most this many bytes before */
    unsigned char fl;
} TOK;

static const TOK toks[] = {
    /* registry context: hive names and WMI's registry provider */
    {"hkcu", EV_CTX, 0, NO, 0, F_BL},
    {"hklm", EV_CTX, 0, NO, 0, F_BL},
    {"hkcr", EV_CTX, 0, NO, 0, F_BL},
    {"hku", EV_CTX, 0, NO, 0, F_BL | F_BR},
    {"hkey_", EV_CTX, 0, NO, 0, F_BL},
    {"registry::", EV_CTX, 0, NO, 0, F_BL},
    {"stdregprov", EV_CTX, 0, NO, 0, 0},
    {"&h8000000", EV_CTX, 0, NO, 0, 0},
    /* autostart keys */
    {"\\currentversion\\run", EV_KEY, KK_RUN, NO, 0, F_BR},
    {"\\currentversion\\runonce", EV_KEY, KK_RUNONCE, NO, 0, 0},
    {"\\currentversion\\runservices", EV_KEY, KK_RUNSVC, NO, 0, 0},
    {"\\explorer\\run", EV_KEY, KK_RUN, NO, 0, F_BR},
    {"userinitmprlogonscript", EV_KEY, KK_LOGON, NO, 0, F_BL},
    {"\\winlogon", EV_PRE, P_WINLOGON, NO, 0, F_BR},
    {"shell", EV_KEY, KK_WINLOGON, P_WINLOGON, 256, F_BL | F_BLD | F_BR},
    {"userinit", EV_KEY, KK_WINLOGON, P_WINLOGON, 256, F_BL | F_BR},
    {"\\active setup\\installed components", EV_PRE, P_ASETUP, NO, 0, 0},
    {"stubpath", EV_KEY, KK_ASETUP, P_ASETUP, 512, F_BL | F_BR},
    /* handler keys: Classes\<progid>\shell\<verb>\command, Classes\.<ext> */
    {"\\shell\\", EV_PRE, P_SHELL, NO, 0, 0},
    {"\\command", EV_KEY, KK_HANDLER, P_SHELL, 48, F_BR | F_LINE},
    {"\\classes\\.", EV_KEY, KK_EXT, NO, 0, 0},
    /* debugger hijacks */
    {"image file execution options", EV_KEY, KK_IFEO, NO, 0, 0},
    {"image file execution options", EV_PRE, P_IFEO, NO, 0, 0},
    {"\\silentprocessexit", EV_KEY, KK_SPE, NO, 0, 0},
    {"\\silentprocessexit", EV_PRE, P_IFEO, NO, 0, 0},
    {"debugger", EV_DBG, 0, P_IFEO, 512, F_BL | F_BR},
    {"monitorprocess", EV_DBG, 0, P_IFEO, 512, F_BL | F_BR},
    /* COM servers; payload stores (Gootloader's Phone key, Valak's ApplicationContainer) */
    {"\\inprocserver32", EV_KEY, KK_COM, NO, 0, F_BR},
    {"\\localserver32", EV_KEY, KK_COM, NO, 0, F_BR},
    {"\\microsoft\\phone", EV_KEY, KK_PHONE, NO, 0, F_BR},
    {"\\applicationcontainer\\appsw", EV_KEY, KK_VALAK, NO, 0, 0},
    /* write operations */
    {"regwrite", EV_WRITE, 0, NO, 0, 0},
    {"reg add", EV_WRITE, 0, NO, 0, F_BL},
    {"reg.exe add", EV_WRITE, 0, NO, 0, F_BL},
    {"reg import", EV_WRITE, 0, NO, 0, F_BL},
    {"reg.exe import", EV_WRITE, 0, NO, 0, F_BL},
    {"regedit /s", EV_WRITE, 0, NO, 0, F_BL},
    {"regedit.exe /s", EV_WRITE, 0, NO, 0, F_BL},
    {"new-itemproperty", EV_WRITE, 0, NO, 0, F_BL},
    {"set-itemproperty", EV_WRITE, 0, NO, 0, F_BL},
    {"new-item", EV_WRITE, 0, NO, 0, F_BL | F_BR},
    {"set-item", EV_WRITE, 0, NO, 0, F_BL | F_BR},
    {"setstringvalue", EV_WRITE, 0, NO, 0, 0},
    {"setexpandedstringvalue", EV_WRITE, 0, NO, 0, 0},
    {"setmultistringvalue", EV_WRITE, 0, NO, 0, 0},
    {"setbinaryvalue", EV_WRITE, 0, NO, 0, 0},
    {"setdwordvalue", EV_WRITE, 0, NO, 0, 0},
    {"setqwordvalue", EV_WRITE, 0, NO, 0, 0},
    {"setvalue", EV_WRITE, 0, NO, 0, 0}, /* RegSetValueEx, Registry.SetValue, winreg */
    {"regsetvalue", EV_WRITE, 0, NO, 0, 0},
    {"regsetkeyvalue", EV_WRITE, 0, NO, 0, 0},
    {"[hkey_", EV_WRITE, 0, NO, 0, 0}, /* .reg section: the lines below are values */
    /* launchers */
    {"mshta", EV_PRE, P_MSHTA, NO, 0, F_BL},
    {"javascript:", EV_LAUNCH, 0, P_MSHTA, 48, F_LINE},
    {"vbscript:", EV_LAUNCH, 0, P_MSHTA, 48, F_LINE},
    {"http", EV_LAUNCH, 0, P_MSHTA, 48, F_LINE},
    {"rundll32", EV_PRE, P_RUNDLL, NO, 0, F_BL},
    {"javascript:", EV_LAUNCH, 0, P_RUNDLL, 48, F_LINE},
    {"runhtmlapplication", EV_LAUNCH, 0, P_RUNDLL, 256, F_LINE},
    {"mshtml,runhtmlapplication", EV_LAUNCH, 0, NO, 0, 0},
    {"powershell", EV_PRE, P_PS, NO, 0, F_BL},
    {"pwsh", EV_PRE, P_PS, NO, 0, F_BL | F_BR},
    {"-e", EV_LAUNCH, 0, P_PS, 256, F_BL | F_BR | F_LINE | F_ENC},
    {"/e", EV_LAUNCH, 0, P_PS, 256, F_BL | F_BR | F_LINE | F_ENC},
    {"-ec", EV_LAUNCH, 0, P_PS, 256, F_BL | F_BR | F_LINE},
    {"iex", EV_LAUNCH, 0, P_PS, 256, F_BL | F_BR | F_LINE},
    {"invoke-expression", EV_LAUNCH, 0, P_PS, 256, F_LINE},
    {"frombase64string", EV_LAUNCH, 0, P_PS, 256, F_LINE},
    {"wscript", EV_PRE, P_WSH, NO, 0, F_BL},
    {"cscript", EV_PRE, P_WSH, NO, 0, F_BL},
    {"//e:", EV_LAUNCH, 0, P_WSH, 64, F_LINE},
    {"regsvr32", EV_PRE, P_REGSVR, NO, 0, F_BL},
    {"scrobj", EV_LAUNCH, 0, P_REGSVR, 256, F_LINE},
    {"/i:http", EV_LAUNCH, 0, P_REGSVR, 256, F_LINE},
    {"cmd", EV_PRE, P_CMD, NO, 0, F_BL | F_BR},
    {"/c start", EV_LAUNCH, 0, P_CMD, 24, F_LINE},
    {"%comspec%", EV_LAUNCH, 0, NO, 0, 0},
    /* user-writable places a COM server should not live in */
    {"%appdata%", EV_UPATH, 0, NO, 0, 0},
    {"%localappdata%", EV_UPATH, 0, NO, 0, 0},
    {"%temp%", EV_UPATH, 0, NO, 0, 0},
    {"%tmp%", EV_UPATH, 0, NO, 0, 0},
    {"%public%", EV_UPATH, 0, NO, 0, 0},
    {"%programdata%", EV_UPATH, 0, NO, 0, 0},
    {"\\appdata\\", EV_UPATH, 0, NO, 0, 0},
    {"\\temp\\", EV_UPATH, 0, NO, 0, 0},
    {"\\users\\public\\", EV_UPATH, 0, NO, 0, 0},
    {"\\programdata\\", EV_UPATH, 0, NO, 0, 0},
    {"\\downloads\\", EV_UPATH, 0, NO, 0, 0},
    {"$env:appdata", EV_UPATH, 0, NO, 0, 0},
    {"$env:localappdata", EV_UPATH, 0, NO, 0, 0},
    {"$env:temp", EV_UPATH, 0, NO, 0, 0},
    {"$env:public", EV_UPATH, 0, NO, 0, 0},
    {"scrobj.dll", EV_UPATH, 0, NO, 0, 0},
};

#define NTOK (sizeof(toks) / sizeof(toks[0]))

/* EVT - one sighting: bytes [a, b) of the text */
typedef struct EVT {
    size_t a, b;
    int kind; /* key kind for keys */
    bool set;
} EVT;

typedef struct SCAN {
    HEUR_CTX *c;
    const char *t;
    size_t n;
    size_t line; /* offset where the current line starts */
    EVT pre[NPRE];
    EVT key[NCLS];
    EVT ctx, write, launch, enc, dbg, upath;
    size_t enc_a, enc_len; /* the base64/hex run being measured */
    unsigned enc_fl;
    bool done[NSYM];
    BUF *d;                    /* detail being built */
    unsigned short first[257]; /* toks by first byte: order[first[c] .. first[c+1]) */
    unsigned char order[NTOK];
} SCAN;

/* is_word - identifier byte */
static bool is_word(unsigned char ch)
{
    return isalnum(ch) || ch == '_';
}

/* is_stop - a byte that ends a registry path quoted in code, prose or a .reg header */
static bool is_stop(unsigned char ch)
{
    return ch < 0x20 || (ch != 0 && strchr("\"'`[](),;=<>|", ch) != NULL);
}

/* build_index - group toks by first byte (counting sort; `/` patterns stay apart) */
static void build_index(SCAN *s)
{
    unsigned short cnt[256] = {0};
    for (size_t k = 0; k < NTOK; k++)
        cnt[(unsigned char)toks[k].pat[0]]++;
    s->first[0] = 0;
    for (int ch = 0; ch < 256; ch++)
        s->first[ch + 1] = s->first[ch] + cnt[ch];
    unsigned short fill[256];
    memcpy(fill, s->first, sizeof(fill));
    for (size_t k = 0; k < NTOK; k++)
        s->order[fill[(unsigned char)toks[k].pat[0]]++] = (unsigned char)k;
}

/* tok_match - bytes of t at i matching pattern p (see TOK), or 0 */
static size_t tok_match(const char *t, size_t n, size_t i, const char *p)
{
    size_t j = i;
    for (; *p; p++) {
        size_t k = 0;
        if (*p == '\\') {
            if (j < n && t[j] == '/') {
                j++;
                continue;
            }
            while (j < n && t[j] == '\\' && k < 4) {
                j++;
                k++;
            }
        } else if (*p == ' ') {
            while (j < n && (t[j] == ' ' || t[j] == '\t')) {
                j++;
                k++;
            }
        } else if (j < n && tolower((unsigned char)t[j]) == *p) {
            j++;
            k++;
        }
        if (k == 0)
            return 0;
    }
    return j - i;
}

/* near - true when every given event is set and they lie within WINDOW of each other */
static bool near(const EVT *const *v, int k)
{
    size_t max_a = 0;
    size_t min_b = (size_t)-1;
    for (int i = 0; i < k; i++) {
        if (!v[i]->set)
            return false;
        if (v[i]->a > max_a)
            max_a = v[i]->a;
        if (v[i]->b < min_b)
            min_b = v[i]->b;
    }
    return max_a <= min_b || max_a - min_b <= WINDOW;
}

#define NEAR(...)                                                                                  \
    near((const EVT *const[]){__VA_ARGS__},                                                        \
         (int)(sizeof((const EVT *const[]){__VA_ARGS__}) / sizeof(const EVT *)))

/* put_clean - append t[a, e) with backslash runs collapsed, at most max bytes */
static void put_clean(BUF *d, const char *t, size_t a, size_t e, size_t max)
{
    size_t out = 0;
    for (size_t i = a; i < e; i++) {
        if (t[i] == '\\' && i > a && t[i - 1] == '\\')
            continue;
        if (out++ == max) {
            buf_puts(d, "...");
            return;
        }
        buf_putc(d, t[i]);
    }
}

/* hive_start - offset of the hive name in t[a, e), or a (a command may precede it) */
static size_t hive_start(const char *t, size_t a, size_t e)
{
    static const char *const hives[] = {"registry::", "hk", "software"};
    size_t best = e;
    for (size_t k = 0; k < sizeof(hives) / sizeof(hives[0]); k++) {
        const char *h = str_memmem_ci(t + a, e - a, hives[k]);
        if (h && (size_t)(h - t) < best)
            best = (size_t)(h - t);
    }
    if (best < e)
        return best;
    while (a < e && isspace((unsigned char)t[a]))
        a++;
    return a;
}

/* put_path - append the registry path around key event k (bounded both ways) */
static void put_path(BUF *d, const SCAN *s, const EVT *k)
{
    size_t a = k->a;
    size_t lim = a > PATH_BACK ? a - PATH_BACK : 0;
    while (a > lim && !is_stop((unsigned char)s->t[a - 1]))
        a--;
    a = hive_start(s->t, a, k->a);
    size_t e = k->b;
    size_t elim = s->n - e > PATH_FWD ? e + PATH_FWD : s->n;
    while (e < elim && !is_stop((unsigned char)s->t[e]) && !isspace((unsigned char)s->t[e]))
        e++;
    put_clean(d, s->t, a, e, PATH_OUT);
}

/* put_snip - append the text of event v up to the end of its line, at most max bytes */
static void put_snip(BUF *d, const SCAN *s, const EVT *v, size_t max)
{
    size_t e = v->a;
    size_t lim = s->n - e > 4 * max ? e + 4 * max : s->n;
    while (e < lim && s->t[e] != '\n' && s->t[e] != '\r')
        e++;
    put_clean(d, s->t, v->a, e, max);
}

/* put_key - append `<label> '<path>'` for key event k */
static void put_key(BUF *d, const SCAN *s, const EVT *k)
{
    buf_printf(d, "%s '", kinds[k->kind].label);
    put_path(d, s, k);
    buf_putc(d, '\'');
}

/* want - true when y is not reported yet; starts a fresh detail */
static bool want(SCAN *s, enum sym y)
{
    if (s->done[y])
        return false;
    buf_reset(s->d);
    return true;
}

/* emit - report y with the detail built in s->d; once per call */
static void emit(SCAN *s, enum sym y)
{
    s->done[y] = true;
    hits_add(s->c->hits, sym_name[y], s->c->location ? s->c->location : "-", "%s", s->d->data);
}

/* any_key_near - some key of any class lies near event v */
static bool any_key_near(const SCAN *s, const EVT *v)
{
    for (int k = 0; k < NCLS; k++)
        if (NEAR(v, &s->key[k]))
            return true;
    return false;
}

/* combine_elements - the write and what was written near it */
static void combine_elements(SCAN *s)
{
    const EVT *w = &s->write;
    if (want(s, S_WRITE)) {
        if (s->t[w->a] == '[')
            buf_puts(s->d, ".reg key section");
        else
            put_clean(s->d, s->t, w->a, w->b, 40);
        buf_printf(s->d, " at offset %zu", w->a);
        emit(s, S_WRITE);
    }
    if (want(s, S_LAUNCHER) && NEAR(w, &s->launch)) {
        buf_puts(s->d, "launcher near a registry write: ");
        put_snip(s->d, s, &s->launch, SNIP_OUT);
        emit(s, S_LAUNCHER);
    }
    if (want(s, S_ENCODED) && NEAR(w, &s->enc)) {
        buf_printf(s->d, "%zu-byte encoded blob near a registry write: ", s->enc.b - s->enc.a);
        put_clean(s->d, s->t, s->enc.a, s->enc.b, 32);
        emit(s, S_ENCODED);
    }
    if (want(s, S_RUN_WRITE) && NEAR(w, &s->key[C_AUTO])) {
        put_key(s->d, s, &s->key[C_AUTO]);
        buf_puts(s->d, " written");
        emit(s, S_RUN_WRITE);
    }
}

/* combine_hijacks - IFEO Debugger, COM server in a user folder, payload store */
static void combine_hijacks(SCAN *s)
{
    const EVT *w = &s->write;
    if (want(s, S_IFEO_DEBUGGER) && NEAR(w, &s->key[C_IFEO], &s->dbg)) {
        put_key(s->d, s, &s->key[C_IFEO]);
        buf_puts(s->d, " debugger value written");
        emit(s, S_IFEO_DEBUGGER);
    }
    if (want(s, S_COM_HIJACK) && NEAR(w, &s->key[C_COM], &s->upath)) {
        put_key(s->d, s, &s->key[C_COM]);
        buf_puts(s->d, " -> ");
        put_path(s->d, s, &s->upath);
        emit(s, S_COM_HIJACK);
    }
    if (want(s, S_PAYLOAD_STORE) && NEAR(w, &s->key[C_PAYLOAD], &s->enc)) {
        put_key(s->d, s, &s->key[C_PAYLOAD]);
        buf_printf(s->d, " <- %zu-byte encoded blob", s->enc.b - s->enc.a);
        emit(s, S_PAYLOAD_STORE);
    }
}

/* combine_dropper - write + autostart/handler/IFEO/COM key + launcher (+ blob) */
static void combine_dropper(SCAN *s)
{
    static const enum cls order[] = {C_AUTO, C_HANDLER, C_IFEO, C_COM};
    const EVT *w = &s->write;
    const EVT *l = &s->launch;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        const EVT *k = &s->key[order[i]];
        if (!NEAR(w, k, l))
            continue;
        if (want(s, S_DROPPER)) {
            put_key(s->d, s, k);
            buf_puts(s->d, " <- ");
            put_snip(s->d, s, l, SNIP_OUT);
            emit(s, S_DROPPER);
        }
        if (want(s, S_DROPPER_ENCODED) && NEAR(w, k, l, &s->enc)) {
            put_key(s->d, s, k);
            buf_puts(s->d, " <- ");
            put_snip(s->d, s, l, SNIP_OUT);
            buf_printf(s->d, " + %zu-byte encoded blob", s->enc.b - s->enc.a);
            emit(s, S_DROPPER_ENCODED);
        }
    }
}

/* combine - re-check every combination after a new event (O(1): last events only) */
static void combine(SCAN *s)
{
    const EVT *w = &s->write;
    if (!w->set || !(NEAR(w, &s->ctx) || any_key_near(s, w)))
        return;
    combine_elements(s);
    combine_hijacks(s);
    combine_dropper(s);
}

/* on_key - remember a key and report its element symbol */
static void on_key(SCAN *s, int kind, size_t a, size_t b)
{
    EVT *k = &s->key[kinds[kind].cls];
    *k = (EVT){a, b, kind, true};
    enum sym y = kinds[kind].sym;
    if (want(s, y)) {
        put_key(s->d, s, k);
        emit(s, y);
    }
}

/* event - record a match of tok k at [i, e); p is its precursor or NULL */
static void event(SCAN *s, const TOK *k, size_t i, size_t e, const EVT *p)
{
    EVT v = {i, e, 0, true};
    switch (k->ev) {
    case EV_PRE:
        s->pre[k->arg] = v;
        return;
    case EV_KEY: /* a key found through its precursor is the precursor's path */
        if (p)
            on_key(s, k->arg, p->a, p->b);
        else
            on_key(s, k->arg, i, e);
        break;
    case EV_CTX:
        s->ctx = v;
        break;
    case EV_WRITE:
        s->write = v;
        break;
    case EV_LAUNCH:
        s->launch = (EVT){p ? p->a : i, e, 0, true};
        break;
    case EV_DBG:
        s->dbg = v;
        break;
    default:
        s->upath = v;
        break;
    }
    combine(s);
}

/* try_tok - match tok k at offset i, check its bounds and precursor, record it */
static void try_tok(SCAN *s, const TOK *k, size_t i)
{
    const char *t = s->t;
    if ((k->fl & F_BL) && i > 0 && is_word((unsigned char)t[i - 1]))
        return;
    if ((k->fl & F_BLD) && i > 0 && t[i - 1] == '.')
        return;
    size_t m = tok_match(t, s->n, i, k->pat);
    if (m == 0)
        return;
    size_t e = i + m;
    if (k->fl & F_ENC) { /* -e, -en, -enc, ..., -encodedcommand */
        static const char rest[] = "ncodedcommand";
        for (size_t j = 0; rest[j] && e < s->n && tolower((unsigned char)t[e]) == rest[j]; j++)
            e++;
    }
    if ((k->fl & F_BR) && e < s->n && is_word((unsigned char)t[e]))
        return;
    const EVT *p = NULL;
    if (k->need != NO) {
        p = &s->pre[k->need];
        if (!p->set || p->a > i || i - p->a > k->win || ((k->fl & F_LINE) && p->a < s->line))
            return;
    }
    event(s, k, i, e, p);
}

/* enc_step - measure base64/hex runs; ch < 0 flushes at the end of the text */
static void enc_step(SCAN *s, size_t i, int ch)
{
    enum { U = 1, L = 2, D = 4, NONHEX = 8 };
    unsigned fl = 0;
    if (ch >= 0 && isupper(ch))
        fl = U | (ch > 'F' ? NONHEX : 0);
    else if (ch >= 0 && islower(ch))
        fl = L | (ch > 'f' ? NONHEX : 0);
    else if (ch >= 0 && isdigit(ch))
        fl = D;
    else if (ch == '+' || ch == '/' || ch == '=')
        fl = NONHEX;
    if (fl) {
        if (s->enc_len++ == 0)
            s->enc_a = i;
        s->enc_fl |= fl;
        return;
    }
    bool hex = !(s->enc_fl & NONHEX) && (s->enc_fl & D) && s->enc_len >= HEX_MIN;
    bool b64 = (s->enc_fl & (U | L | D | NONHEX)) == (U | L | D | NONHEX) && s->enc_len >= B64_MIN;
    size_t len = s->enc_len;
    s->enc_len = 0;
    s->enc_fl = 0;
    if (hex || b64) {
        s->enc = (EVT){s->enc_a, s->enc_a + len, 0, true};
        combine(s);
    }
}

/* scan_all - the single forward pass */
static void scan_all(SCAN *s)
{
    for (size_t i = 0; i < s->n; i++) {
        unsigned char ch = (unsigned char)s->t[i];
        enc_step(s, i, ch);
        if (ch == '\n' || ch == '\r') {
            s->line = i + 1;
            continue;
        }
        unsigned lo = (unsigned)tolower(ch);
        int next = i + 1 < s->n ? tolower((unsigned char)s->t[i + 1]) : -1;
        for (unsigned j = s->first[lo]; j < s->first[lo + 1]; j++) {
            const unsigned char *pat = (const unsigned char *)toks[s->order[j]].pat;
            if (pat[0] != '\\' && pat[0] != ' ' && pat[1] && pat[1] != '\\' && pat[1] != ' ' &&
                pat[1] != next)
                continue; /* a plain first byte matched one byte: a plain second one is next */
            try_tok(s, &toks[s->order[j]], i);
        }
        if (ch == '/') /* `\` in a pattern matches `/` too */
            for (unsigned j = s->first['\\']; j < s->first['\\' + 1]; j++)
                try_tok(s, &toks[s->order[j]], i);
    }
    enc_step(s, s->n, -1);
}

/* is_utf16le - a BOM, or ASCII text in UTF-16LE (regedit exports .reg files so) */
static bool is_utf16le(const char *t, size_t n)
{
    if (n >= 2 && (unsigned char)t[0] == 0xff && (unsigned char)t[1] == 0xfe)
        return true;
    if (n < 16)
        return false;
    for (size_t i = 1; i < 16; i += 2)
        if (t[i] != 0 || t[i - 1] == 0)
            return false;
    return true;
}

/* narrow - UTF-16LE to bytes (non-ASCII becomes '?'); NULL when memory runs out */
static char *narrow(const char *t, size_t n, size_t *out)
{
    char *w = try_malloc(n / 2 + 1); /* sender-sized: failure means scanning as is */
    if (w == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        unsigned char lo = (unsigned char)t[i];
        unsigned char hi = (unsigned char)t[i + 1];
        if (i == 0 && lo == 0xff && hi == 0xfe)
            continue;
        w[k++] = hi == 0 && lo < 0x80 ? (char)lo : '?';
    }
    w[k] = 0;
    *out = k;
    return w;
}

/* heur_registry - report registry dropper evidence in text (see heur_registry.h) */
void heur_registry(HEUR_CTX *c, const char *text, size_t n)
{
    if (c == NULL || c->hits == NULL || text == NULL || n == 0)
        return;
    char *wide = NULL;
    size_t wn = 0;
    if (is_utf16le(text, n) && (wide = narrow(text, n, &wn)) != NULL) {
        text = wide;
        n = wn;
    }
    SCAN *s = xcalloc(1, sizeof(*s));
    s->c = c;
    s->t = text;
    s->n = n;
    s->d = buf_new(256);
    build_index(s);
    scan_all(s);
    buf_free(s->d);
    free(s);
    free(wide);
}
