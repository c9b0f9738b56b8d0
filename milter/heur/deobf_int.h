/*
 * heur/deobf_int - what the deobfuscation passes (deobf.c, deobf_fold.c, deobf_edit.c,
 *             deobf_vbe.c) share; no other module includes this
 *
 * DESCRIPTION
 *   A DEOBF is one deobf_run call: the input, the limits, the output callback and the
 *   count of outputs so far. deobf_emit is the only way a pass hands a result out: it
 *   drops results shorter than DEOBF_MIN_OUT or equal to the input, cuts them at
 *   lim->max_out and stops counting at lim->max_outputs. deobf_put appends to a result
 *   buffer but never past a bound, so no pass holds more than max_out bytes per result
 *   whatever the input claims.
 *
 *   DEOBF_SYN says how string literals and concatenation look in the input language
 *   (js, vbs, ps1, or the mix found in hta/wsf/sct); deobf_lit reads one literal.
 *
 *   `work` is a budget for the few steps whose cost is not one input byte (replace chains
 *   and cmd substitutions run over values already built): passes charge it and stop
 *   transforming when it is spent, so a call is linear in n whatever the input does.
 */
#ifndef FM_DEOBF_INT_H
#define FM_DEOBF_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"
#include "heur/deobf.h"

#define DEOBF_MIN_OUT  8  /* shorter results are not worth analysing again */
#define DEOBF_MAX_DONE 64 /* base64 runs remembered as decoded by a specific pass */

typedef struct DEOBF_SYN {
    bool on;          /* the language has literals we understand at all */
    bool sq;          /* '...' is a string literal (js, ps1), not a comment (vbs) */
    bool bs_esc;      /* backslash escapes inside literals (js) */
    bool dbl_esc;     /* a doubled quote stands for one ("" in vbs, '' in ps1) */
    bool bt_esc;      /* backtick escapes inside "..." (ps1) */
    bool amp;         /* & concatenates (vbs) */
    bool js, vbs, ps; /* which call syntaxes to recognise (several for hta/wsf/sct) */
} DEOBF_SYN;

typedef struct DEOBF_LIT {
    size_t c0, c1; /* content: in[c0..c1), escapes left as written */
    size_t end;    /* just after the closing quote; for an unterminated one, its line end */
    char q;        /* the quote character */
} DEOBF_LIT;

typedef struct DEOBF {
    const char *lang; /* input language token, "" when unknown */
    const char *in;
    size_t n;
    const DEOBF_LIMITS *lim;
    deobf_out_fn out;
    void *ctx;
    DEOBF_SYN syn;
    size_t count;                /* outputs so far */
    size_t work, budget;         /* see above */
    size_t done[DEOBF_MAX_DONE]; /* base64 runs (start offsets) a specific pass decoded */
    size_t ndone;
} DEOBF;

/* deobf.c: shared helpers */
bool deobf_lang_in(const char *lang, const char *list);
bool deobf_full(const DEOBF *d);
void deobf_emit(DEOBF *d, const char *how, const char *lang, const char *p, size_t n);
bool deobf_put(BUF *b, size_t max, const void *p, size_t n);
void deobf_utf8(BUF *b, size_t max, unsigned long cp);
bool deobf_idc(int c);
bool deobf_at(const char *in, size_t n, size_t i, const char *word);
size_t deobf_ws(const char *in, size_t n, size_t i);
int deobf_lit(const char *in, size_t n, size_t i, const DEOBF_SYN *s, DEOBF_LIT *lit);
bool deobf_pat(const char *in, size_t n, size_t *i, const char *pat);
bool deobf_charge(DEOBF *d, size_t cost);
bool deobf_b64c(int c);
size_t deobf_b64dec(const char *p, size_t n, BUF *out, size_t max);
bool deobf_utf16le(const unsigned char *p, size_t n);
void deobf_from_utf16le(const unsigned char *p, size_t n, BUF *out, size_t max);
bool deobf_is_text(const char *p, size_t n);
const char *deobf_guess(const char *p, size_t n, const char *dflt);

/* deobf_fold.c: escape sequences. deobf_js_escape: \xNN, \uNNNN (a surrogate pair joined),
 * \u{N..} at in[i] (the backslash); deobf_pct_escape: %uNNNN or %NN at in[i] (the '%'). Both
 * return the bytes read and set *cp, or return 0 when there is no escape there.
 * deobf_js_unescape: a JS literal's content with those and \n \t \r \<c> decoded, appended
 * to b (UTF-8, bounded by max). */
size_t deobf_js_escape(const char *in, size_t n, size_t i, unsigned long *cp);
size_t deobf_pct_escape(const char *in, size_t n, size_t i, unsigned long *cp);
void deobf_js_unescape(const char *p, size_t n, BUF *b, size_t max);

/* the passes, in the order deobf_run calls them */
void deobf_vbe(DEOBF *d);
void deobf_encodedcommand(DEOBF *d);
void deobf_frombase64(DEOBF *d);
void deobf_base64(DEOBF *d);
void deobf_cmdset(DEOBF *d);
void deobf_concat(DEOBF *d);
void deobf_charcodes(DEOBF *d);
void deobf_escapes(DEOBF *d);
void deobf_reverse(DEOBF *d);
void deobf_replace(DEOBF *d);
void deobf_psnorm(DEOBF *d);
void deobf_strarray(DEOBF *d);
void deobf_eval(DEOBF *d);

#endif
