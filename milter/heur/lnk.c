/*
 * heur/lnk - the analysis of a Windows shortcut (contract in heur/lnk.h; parser: heur/lnk_parse.c)
 *
 * heur_lnk reports LNK_* at c->location and hands "target arguments" to heur_script (lang
 * "lnk") and heur_registry. It looks for a script host in every target the file names
 * (environment block, LinkInfo, ID list, relative path): Windows resolves the ID list
 * first, so a LinkInfo naming a PDF does not hide a cmd.exe in the ID list.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heur/lnk.h"
#include "lib/buf.h"
#include "heur/registry.h"
#include "heur/script.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define LONG_ARGS 260 /* characters (MAX_PATH): past what the Properties dialog shows */
#define PAD_RUN   32  /* consecutive white-space characters that count as padding */

/* programs that run script text or fetch and start code (LOLBins) */
static const char *const hosts[] = {
    "cmd.exe",      "powershell.exe", "pwsh.exe",     "mshta.exe",    "wscript.exe",
    "cscript.exe",  "rundll32.exe",   "regsvr32.exe", "certutil.exe", "bitsadmin.exe",
    "forfiles.exe", "conhost.exe",    "msiexec.exe",
};

/* icon files that make a shortcut look like a document */
static const char *const doc_exts[] = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx",
                                       ".rtf", ".txt", ".odt",  ".jpg", ".jpeg", ".png", ".gif"};

/* programs whose own icon reads as "a document" */
static const char *const doc_apps[] = {"acrord32.exe", "acrobat.exe",  "winword.exe",
                                       "excel.exe",    "powerpnt.exe", "wordpad.exe"};

/* icon indexes of system libraries that fake a document, a folder or a drive */
static const struct {
    const char *file;
    int index;
} doc_icons[] = {
    {"shell32.dll", 0},  {"shell32.dll", 1}, /* blank and text document */
    {"shell32.dll", 3},  {"shell32.dll", 4}, /* folder (USB worms) */
    {"shell32.dll", 7},  {"shell32.dll", 8}, /* removable and fixed drive */
    {"shell32.dll", 9},  {"shell32.dll", 11},
    {"imageres.dll", 2}, {"imageres.dll", 3}, /* document, folder */
    {"msedge.exe", 11},                       /* Edge's PDF icon */
};

/* base_name - the last path component, lower-cased, without quotes and trailing dots or
 * spaces (Windows drops those: "cmd.exe." runs cmd.exe); false when it does not fit */
static bool base_name(const char *path, char *out, size_t size)
{
    const char *b = path;
    for (const char *s = path; *s; s++)
        if (*s == '\\' || *s == '/')
            b = s + 1;
    while (*b == '"' || *b == ' ')
        b++;
    size_t k = strlen(b);
    while (k > 0 && (b[k - 1] == '"' || b[k - 1] == ' ' || b[k - 1] == '.'))
        k--;
    if (k >= size)
        return false;
    for (size_t i = 0; i < k; i++)
        out[i] = (char)tolower((unsigned char)b[i]);
    out[k] = 0;
    return true;
}

/* host_of - the script host a path names ("cmd.exe"), or NULL; msiexec only with http */
static const char *host_of(const char *path, const char *args)
{
    char name[64];
    if (path == NULL || !base_name(path, name, sizeof(name)))
        return NULL;
    if (strcmp(name, "%comspec%") == 0)
        return "cmd.exe";
    size_t k = strlen(name);
    for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
        size_t h = strlen(hosts[i]);
        if (strcmp(name, hosts[i]) != 0 && !(k == h - 4 && strncmp(name, hosts[i], k) == 0))
            continue; /* neither "cmd.exe" nor "cmd" */
        if (strcmp(hosts[i], "msiexec.exe") == 0 &&
            (args == NULL || str_memmem_ci(args, strlen(args), "http") == NULL))
            return NULL;
        return hosts[i];
    }
    return NULL;
}

/* doc_icon - the icon location and index look like a document, a folder or a drive */
static bool doc_icon(const char *icon, int index)
{
    char name[64];
    if (icon == NULL || !base_name(icon, name, sizeof(name)))
        return false;
    for (size_t i = 0; i < sizeof(doc_exts) / sizeof(doc_exts[0]); i++)
        if (str_iends(name, doc_exts[i]))
            return true;
    for (size_t i = 0; i < sizeof(doc_apps) / sizeof(doc_apps[0]); i++)
        if (strcmp(name, doc_apps[i]) == 0)
            return true;
    for (size_t i = 0; i < sizeof(doc_icons) / sizeof(doc_icons[0]); i++)
        if (strcmp(name, doc_icons[i].file) == 0 && index == doc_icons[i].index)
            return true;
    return false;
}

/* utf8_chars - characters (not bytes) in UTF-8 text */
static size_t utf8_chars(const char *s)
{
    size_t k = 0;
    for (; *s; s++)
        k += ((unsigned char)*s & 0xC0) != 0x80;
    return k;
}

/* white_run - the longest run of ASCII white space */
static size_t white_run(const char *s)
{
    size_t best = 0;
    size_t run = 0;
    for (; *s; s++) {
        run = (*s == ' ' || (*s >= '\t' && *s <= '\r')) ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

/* command_line - "target arguments" as Windows starts it, the target quoted if it has a space */
static char *command_line(const char *target, const char *args, size_t *len)
{
    BUF *b = buf_new(256);
    if (target && *target) {
        bool q = strchr(target, ' ') != NULL && target[0] != '"';
        if (q)
            buf_putc(b, '"');
        buf_puts(b, target);
        if (q)
            buf_putc(b, '"');
    }
    if (args && *args) {
        if (b->len > 0)
            buf_putc(b, ' ');
        buf_puts(b, args);
    }
    char *r = buf_steal(b, len);
    buf_free(b);
    return r;
}

/* report - the LNK_* symbols for a parsed shortcut whose command starts `path` */
static void report(HEUR_CTX *c, const LNK *l, const char *host, const char *path, int icon_index)
{
    const char *args = l->arguments ? l->arguments : "";
    hits_add(c->hits, "LNK_FILE", c->location, "shortcut to '%.100s'%s", path ? path : "",
             l->truncated ? " (truncated)" : "");
    if (host)
        hits_add(c->hits, "LNK_SCRIPT_HOST_TARGET", c->location, "%s: '%.80s' %.120s", host, path,
                 args);
    if (host && l->show_command == 7)
        hits_add(c->hits, "LNK_HIDDEN_WINDOW", c->location,
                 "%s started minimized without focus (SW_SHOWMINNOACTIVE)", host);
    size_t chars = utf8_chars(args);
    size_t pad = white_run(args);
    if (chars > LONG_ARGS || pad >= PAD_RUN)
        hits_add(c->hits, "LNK_LONG_ARGUMENTS", c->location,
                 "%zu characters of arguments, longest white-space run %zu: %.80s", chars, pad,
                 args);
    if (host && doc_icon(l->icon_location, icon_index))
        hits_add(c->hits, "LNK_ICON_MISMATCH", c->location, "%s target with icon '%.100s,%d'", host,
                 l->icon_location, icon_index);
}

/* heur_lnk - parse a shortcut, report LNK_* and analyse its command line (see lnk.h) */
void heur_lnk(HEUR_CTX *c, const unsigned char *p, size_t n)
{
    LNK *l = lnk_parse(p, n);
    if (l == NULL)
        return;
    const char *cand[4] = {l->env_target, l->target, l->idlist_path, l->relative_path};
    const char *host = NULL;
    const char *path = NULL;
    for (size_t i = 0; i < 4 && host == NULL; i++)
        if ((host = host_of(cand[i], l->arguments)) != NULL)
            path = cand[i];
    for (size_t i = 0; i < 4 && path == NULL; i++)
        if (cand[i] && *cand[i])
            path = cand[i];
    report(c, l, host, path, l->icon_index);
    size_t len;
    char *cmd = command_line(path, l->arguments, &len);
    if (len > 0) {
        heur_script(c, "lnk", (const unsigned char *)cmd, len);
        heur_registry(c, cmd, len);
    }
    free(cmd);
    lnk_free(l);
}
