/*
 * deobf_psint - what the PowerShell passes (deobf_ps.c: reductions and driver,
 *               deobf_pstok.c: tokens, output and IEX unwrapping) share; no other
 *               module includes this. The contract is at the top of deobf_ps.c.
 */
#ifndef FM_DEOBF_PSINT_H
#define FM_DEOBF_PSINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heur/deobf_int.h"
#include "lib/buf.h"

#define PS_MAX_TOKENS (1u << 18) /* tokens read; the rest of the text is kept as written */
#define PS_PASSES     8          /* reduction passes per round */
#define PS_ROUNDS     4          /* rounds of variable substitution */
#define PS_MAX_ARGS   64         /* -f arguments and list elements */
#define PS_MAX_VARS   256        /* variables tracked for substitution */

enum { T_WS, T_STR, T_LIST, T_WORD, T_OP, T_OPAQUE, T_DEAD };

typedef struct TOK {
    uint8_t kind;
    uint8_t orig;   /* T_STR/T_WORD: write the source span, not the value */
    uint16_t nel;   /* T_LIST: elements, separated by NUL in the value */
    uint32_t s, e;  /* source span */
    uint32_t v, vn; /* value in the arena */
} TOK;

typedef struct PS {
    DEOBF *d;
    TOK *t;
    size_t nt, tail; /* tokens; input from tail on is not tokenised */
    BUF *arena;
    size_t changes; /* reductions and substitutions */
    size_t obf;     /* of them, the tricks only obfuscation uses (ticks, '{1}{0}' -f, ...) */
    size_t weak;    /* of them, the ones scripts also use honestly ([char]9, -replace ...) */
    size_t later;   /* reductions after the first substitution */
    bool substituted;
    bool spent; /* a value could not be stored: no more passes */
} PS;

const char *ps_val(const PS *p, size_t k);
bool ps_add_val(PS *p, TOK *t, const char *s, size_t n);
void ps_lex(PS *p);
size_t ps_nx(const PS *p, size_t k);
bool ps_is_op(const PS *p, size_t k, char c);
bool ps_is_word(const PS *p, size_t k, const char *w);
bool ps_is_str(const PS *p, size_t k);
bool ps_number(const PS *p, size_t k, long *v);
bool ps_put(PS *p, size_t k, size_t end, uint8_t kind, uint16_t nel, const char *s, size_t n);
void ps_compact(PS *p);
void ps_write(const PS *p, BUF *o);
void ps_unwrap(PS *p);
bool ps_reveals(const PS *p, const BUF *o);

#endif
