/*
 * policy/score - weights and the message score (see policy/score.h)
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "policy/score.h"
#include "model/cap.h"
#include "policy/verdict.h"
#include "lib/linefile.h"
#include "lib/str.h"
#include "lib/xalloc.h"

/* scores_free - release; accepts NULL, returns NULL */
SCORES *scores_free(SCORES *s)
{
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].symbol);
        free(s->v[i].description);
        free(s->v[i].group);
    }
    free(s->v);
    free(s);
    return NULL;
}

/*
 * valid_symbol - an upper-case letter, then letters, digits, '_', '.' or '-' (dynamic
 * symbols carry signature names: CLAMAV_Fileless.Script.MshtaJavascript), optionally
 * ending in '*' for a family
 */
static bool valid_symbol(const char *s)
{
    if (!isupper((unsigned char)*s))
        return false;
    for (; *s; s++) {
        if (*s == '*' && s[1] == 0)
            return true;
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
            return false;
    }
    return true;
}

/* parse_weight - a finite number, or '-' (as -1) when dash_ok */
static bool parse_weight(const char *t, bool dash_ok, double *out)
{
    if (dash_ok && strcmp(t, "-") == 0) {
        *out = -1;
        return true;
    }
    char *end;
    errno = 0;
    *out = strtod(t, &end);
    return end != t && *end == 0 && errno == 0 && isfinite(*out) && (!dash_ok || *out >= 0);
}

/* skip_blanks - past leading blanks (the rest of a line after strtok_r keeps them) */
static char *skip_blanks(char *p)
{
    while (p && (*p == ' ' || *p == '\t'))
        p++;
    return p && *p ? p : NULL;
}

/* parse_chain - "A+B|C" into groups of capabilities; false with the reason in why */
static bool parse_chain(char *def, SCORE_ENTRY *e, BUF *why)
{
    char *save = NULL;
    for (char *g = strtok_r(def, "+", &save); g; g = strtok_r(NULL, "+", &save)) {
        if (e->nneed >= CHAIN_GROUPS_MAX) {
            buf_printf(why, "a chain has at most %d groups", CHAIN_GROUPS_MAX);
            return false;
        }
        for (char *p = g; *p; p++)
            if (*p == '|')
                *p = ',';
        CAP_SET set = cap_parse(g, why);
        if (set == 0)
            return false;
        e->need[e->nneed++] = set;
    }
    if (e->nneed == 0) {
        buf_printf(why, "empty chain");
        return false;
    }
    return true;
}

/* parse_entry - one line into an entry; false with the reason in why */
static bool parse_entry(SCORES *s, char *line, BUF *why)
{
    char *save = NULL;
    char *sym = strtok_r(line, " \t", &save);
    char *w = strtok_r(NULL, " \t", &save);
    char *cap = strtok_r(NULL, " \t", &save);
    char *desc = strtok_r(NULL, "", &save);
    double weight;
    double capv;
    int force = -1;
    CAP_SET caps = 0;
    SCORE_ENTRY e = {.force = -1};
    desc = skip_blanks(desc);
    if (desc && *desc == '@') { /* optional capabilities: @EXECUTE,DOWNLOAD */
        char *word = strtok_r(desc, " \t", &save);
        desc = strtok_r(NULL, "", &save);
        caps = cap_parse(word + 1, why);
        if (caps == 0)
            return false;
    }
    desc = skip_blanks(desc);
    if (desc && *desc == '=') { /* optional chain: =DOWNLOAD+EXECUTE|IN_MEMORY */
        char *word = strtok_r(desc, " \t", &save);
        desc = strtok_r(NULL, "", &save);
        if (!parse_chain(word + 1, &e, why))
            return false;
    }
    desc = skip_blanks(desc);
    if (desc && *desc == '^') { /* optional group: ^name */
        char *word = strtok_r(desc, " \t", &save);
        desc = strtok_r(NULL, "", &save);
        if (word[1] == 0) {
            buf_printf(why, "empty group name");
            return false;
        }
        e.group = xstrdup(word + 1);
    }
    desc = skip_blanks(desc);
    if (desc && *desc == '!') { /* optional hard verdict: !tag, !quarantine, !reject */
        static const char *const names[] = {"!tag", "!quarantine", "!reject"};
        char *word = strtok_r(desc, " \t", &save);
        desc = strtok_r(NULL, "", &save);
        for (int i = 0; i < 3; i++)
            if (strcmp(word, names[i]) == 0)
                force = VERDICT_TAG + i;
        if (force < 0) {
            buf_printf(why, "bad verdict '%s' (want !tag, !quarantine or !reject)", word);
            free(e.group);
            return false;
        }
    }
    bool ok = false;
    if (!sym || !w || !cap)
        buf_printf(why, "expected 'SYMBOL WEIGHT CAP description'");
    else if (!valid_symbol(sym) || !parse_weight(w, false, &weight) ||
             !parse_weight(cap, true, &capv))
        buf_printf(why, "bad symbol, weight or cap in '%s %s %s'", sym, w, cap);
    else if (scores_find(s, sym) && strcmp(scores_find(s, sym)->symbol, sym) == 0)
        buf_printf(why, "duplicate symbol '%s'", sym);
    else
        ok = true;
    if (!ok) {
        free(e.group);
        return false;
    }
    XGROW(s->v, s->n, s->cap);
    e.symbol = xstrdup(sym);
    e.weight = weight;
    e.cap = capv;
    e.force = force;
    e.caps = caps;
    e.description = xstrdup(desc ? str_trim(desc) : "");
    s->v[s->n++] = e;
    return true;
}

/* score_line - linefile callback: one entry of scoring.conf */
static bool score_line(void *ctx, char *line, unsigned lineno, BUF *why)
{
    (void)lineno;
    return parse_entry(ctx, line, why);
}

/* scores_load - read scoring.conf (see score.h) */
SCORES *scores_load(const char *path, BUF *err)
{
    SCORES *s = xcalloc(1, sizeof(SCORES));
    if (linefile_read(path, LINEFILE_TRIM, score_line, s, err) < 0)
        s = scores_free(s);
    return s;
}

/*
 * scores_find - exact entry, else the longest matching family (PREFIX*), else for
 * YARA_<rule> the YARA_DEFAULT entry, else NULL
 */
const SCORE_ENTRY *scores_find(const SCORES *s, const char *symbol)
{
    const SCORE_ENTRY *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < s->n; i++) {
        const char *e = s->v[i].symbol;
        if (e[0] != symbol[0] && e[0] != '*') /* neither the symbol nor a family of it */
            continue;
        size_t n = strlen(e);
        if (strcmp(e, symbol) == 0)
            return &s->v[i];
        if (n && e[n - 1] == '*' && strncmp(e, symbol, n - 1) == 0 && n > best_len) {
            best = &s->v[i];
            best_len = n;
        }
    }
    if (best == NULL && strncmp(symbol, "YARA_", 5) == 0 && strcmp(symbol, "YARA_DEFAULT") != 0)
        return scores_find(s, "YARA_DEFAULT");
    return best;
}

/* score_forced - the strongest hard verdict any hit's entry carries, or -1 */
int score_forced(const SCORES *s, const HITS *hits)
{
    int force = -1;
    for (size_t i = 0; i < hits->n; i++) {
        const SCORE_ENTRY *e = scores_find(s, hits->v[i].symbol);
        if (e && e->force > force)
            force = e->force;
    }
    return force;
}

/* chain_len - length of a location up to its first decoded layer (">decoded:") */
static size_t chain_len(const char *loc)
{
    const char *d = strstr(loc, ">decoded:");
    return d ? (size_t)(d - loc) : strlen(loc);
}

/*
 * repeated_in_chain - the same symbol already scored on this buffer or on a layer decoded
 * from the same buffer: a deobfuscated copy of a script repeats the script's own
 * behaviour, and that is one finding, not two
 */
static bool repeated_in_chain(const HITS *hits, size_t i)
{
    const HIT *h = &hits->v[i];
    size_t n = chain_len(h->location);
    for (size_t j = 0; j < i; j++) {
        const HIT *o = &hits->v[j];
        if (strcmp(o->symbol, h->symbol) == 0 && chain_len(o->location) == n &&
            strncmp(o->location, h->location, n) == 0)
            return true;
    }
    return false;
}

/* score_hits - weigh every hit, applying per-symbol caps; return the total */
double score_hits(const SCORES *s, HITS *hits)
{
    double total = 0;
    for (size_t i = 0; i < hits->n; i++) {
        HIT *h = &hits->v[i];
        const SCORE_ENTRY *e = scores_find(s, h->symbol);
        h->weight = h->has_preset ? h->preset : e ? e->weight : 0;
        if (repeated_in_chain(hits, i)) {
            h->weight = 0;
            continue;
        }
        if (e && e->cap >= 0) {
            double used = 0;
            for (size_t j = 0; j < i; j++)
                if (strcmp(hits->v[j].symbol, h->symbol) == 0)
                    used += hits->v[j].weight;
            double left = e->cap - used;
            h->weight = left <= 0 ? 0 : (h->weight < left ? h->weight : left);
        }
        total += h->weight;
    }
    return total;
}
