/*
 * vba_int - what heur/vba.c (keywords, report) and heur/vba_fold.c (constant folding)
 *           share: the per-project state VS, the lexer cursor and the fold buffer
 *
 * Internal to the VBA analyser; nothing else includes it.
 */
#ifndef FM_HEUR_VBA_INT_H
#define FM_HEUR_VBA_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heur/heur.h"
#include "heur/vba_env.h"
#include "lib/buf.h"

#define LOOK       240 /* bytes a statement look-ahead reads */
#define FOLD_DEPTH 8   /* nesting of (), StrReverse, Replace, Chr arithmetic */
#define EMIT_MIN   8   /* shortest decoded string handed to c->emit */
#define EMIT_MAX   64  /* decoded layers per project */
#define FIND_MAX   256 /* longest Replace() search string folded */
#define IMAX       1000000000LL
#define LONG_LINE  1000
#define KW_MAX     160
#define NELEM(a)   (sizeof(a) / sizeof((a)[0]))

/* categories: reported capabilities first, then those that need a second look */
enum { C_AUTO, C_WRITE, C_EXEC, C_DOWNLOAD, C_REG, C_STDREGPROV, C_REGSET, C_SAVESETTING };
enum { C_DECLARE = C_SAVESETTING + 1, C_SHELLCODE, C_WMI, C_WIN32PROC, C_CREATE, C_CALLBYNAME };
enum { C_RUNKEY = C_CALLBYNAME + 1, NCAT, C_CHR = NCAT, C_STRREV, C_REPLCHAIN };
enum { C_OPEN = C_REPLCHAIN + 1, C_NAMEAS, C_DECL, C_PROC };
/* F_PFX: may go on with letters (urldownloadtofilea); F_STMT: starts a statement; F_CALL:
 * followed by arguments; F_HID: a command word worth noting when only decoding shows it */
enum { F_PFX = 1, F_STMT = 2, F_CALL = 4, F_HID = 8, F_NODOT = 16 };
enum { H_CONCAT = 1, H_CHR = 2, H_REV = 4, H_REPL = 8, H_SUB = 16, H_VAR = 32 };
enum { T_EOF, T_EOL, T_STR, T_NUM, T_ID, T_OP };

typedef struct KW {
    const char *w; /* not NUL-terminated: len bytes of a kwg list */
    unsigned char len, cat, fl;
} KW;

typedef struct VS {
    HEUR_CTX *c;
    KW kw[KW_MAX];
    unsigned nkw;
    unsigned char kwc[KW_MAX], kwd[KW_MAX]; /* keyword seen in code / in decoded text */
    bool seen[NCAT], evdec[NCAT];
    const char *ev[NCAT];
    int evlen[NCAT];
    char autoname[48], declname[72];
    size_t nchr, nrev, nreplchain, maxchr, maxterms, joins, nrevlit, nrepllit, nb64, longlines;
    BUF *dec;           /* decoded strings, normalized, for the second keyword walk */
    size_t cap, minb64; /* bytes per folded string and emitted in all; shortest base64 run */
    size_t emitted, nemit;
    uint64_t seenhash[EMIT_MAX];
    VENV *env;     /* string variables, junk markers */
    bool pass2;    /* the second fold: junk markers removed from literals */
    size_t dynobj; /* CreateObject/GetObject of a computed name */
    char dynev[72];
} VS;

typedef struct LEX { /* a cursor over a view; t, ts, tn, num: the current token */
    const char *s, *ts;
    size_t n, i, tn;
    long long num;
    int t;
} LEX;

typedef struct FOLD {
    BUF *b;
    unsigned terms, chr, how;
} FOLD;

/* identifier byte; ASCII lower case; current token is operator c; little-endian 16 bits */
#define idc(c)                                                                                     \
    ((((c) | 32) >= 'a' && ((c) | 32) <= 'z') || ((c) >= '0' && (c) <= '9') || (c) == '_')
#define LOW(c)      ((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c))
#define IS_OP(x, c) ((x)->t == T_OP && (x)->ts[0] == (c))
#define LE16(p)     ((p)[0] | (unsigned)(p)[1] << 8)

void vba_fold_module(VS *v, const char *s, size_t n);

#endif
