/*
 * heur/deobf - deobfuscation passes over script text, each bounded in output and depth
 *
 * SYNOPSIS
 *   size_t deobf_run(const char *lang, const char *in, size_t n, const DEOBF_LIMITS *lim,
 *                    deobf_out_fn out, void *ctx);
 *
 * DESCRIPTION
 *   Runs every pass that applies to lang over in[0..n) and calls out(ctx, how, lang2,
 *   data, len) for each decoded result that differs from the input and is worth
 *   analysing again: `how` names the pass (concat, charcodes, escapes, base64,
 *   encodedcommand, frombase64string, inflate (a gzip/deflate stream after base64,
 *   decompressed by core/inflate.c), reverse, replace, vbe, jse, cmdset, carets, psnorm
 *   (PowerShell token normalisation, deobf_ps.c), iex (what Invoke-Expression runs),
 *   strarray (a javascript-obfuscator string array resolved, deobf_js.c), eval (the
 *   constant argument of eval/Function/setTimeout, deobf_eval.c), utf16 (a
 *   UTF-16LE script as UTF-8: then the only output)), lang2
 *   is the language of the result (a PowerShell -EncodedCommand yields ps1, a JS
 *   fromCharCode yields js, base64 of a PE yields NULL). Returns the number of outputs.
 *   Pure; every pass is linear in its input, and outputs are at most lim->max_out bytes
 *   each, at most lim->max_outputs per call. The caller feeds outputs back (scan.c)
 *   with a depth bound, so base64 of base64 of ... ends at max_decode_depth.
 */
#ifndef FM_DEOBF_H
#define FM_DEOBF_H

#include <stddef.h>

typedef struct DEOBF_LIMITS {
    size_t max_out;     /* bytes per output */
    size_t max_outputs; /* outputs per call */
    size_t min_base64;  /* shortest base64 literal decoded */
} DEOBF_LIMITS;

typedef void (*deobf_out_fn)(void *ctx, const char *how, const char *lang, const char *data,
                             size_t n);

size_t deobf_run(const char *lang, const char *in, size_t n, const DEOBF_LIMITS *lim,
                 deobf_out_fn out, void *ctx);

#endif
