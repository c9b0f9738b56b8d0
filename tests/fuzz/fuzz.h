/*
 * fuzz - what the libFuzzer targets in tests/fuzz share
 *
 * DESCRIPTION
 *   Every target defines LLVMFuzzerTestOneInput (and, when it needs set-up, calls
 *   fuzz_once from it). The same file links two ways (Makefile):
 *     build/fuzz/fuzz_X                   libFuzzer + ASan + UBSan (`make fuzz`);
 *     build/san-address-undefined/tests/fuzz/fuzz_X
 *                                         replay.c's main() + the normal ASan+UBSan
 *                                         objects: feeds every file named on the
 *                                         command line (or found in a directory) once
 *                                         (tests/fuzz/run.sh, inside `make test`).
 *
 *   fuzz_root() is the repository root the targets read rules/ and milter.conf from: the
 *   FM_FUZZ_ROOT environment variable, else the current directory (make runs them from
 *   the root). fuzz_lists() loads rules/lists once. fuzz_heur() builds the HEUR_CTX an
 *   analyser gets in scan.c, with an emit callback that feeds every decoded layer to the
 *   script and registry analysers again, FUZZ_DECODE_DEPTH levels deep, as scan.c does
 *   with max_decode_depth. fuzz_pick() takes the first input byte as a selector.
 *
 *   Properties the targets check besides "no sanitizer report" use FUZZ_CHECK, which
 *   aborts (libFuzzer records a crash) with the failed condition.
 */
#ifndef FM_FUZZ_H
#define FM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "heur/heur.h"
#include "heur/registry.h"
#include "heur/script.h"
#include "core/lists.h"
#include "lib/str.h"

#define FUZZ_DECODE_DEPTH 3

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_root - the repository root (FM_FUZZ_ROOT, else ".") */
static inline const char *fuzz_root(void)
{
    const char *r = getenv("FM_FUZZ_ROOT");
    return r && *r ? r : ".";
}

/* fuzz_lists - rules/lists, loaded on first use; exits when they cannot be read */
static inline const LISTS *fuzz_lists(void)
{
    static LISTS *lists;
    if (lists == NULL) {
        BUF *err = buf_new(64);
        char path[4096];
        snprintf(path, sizeof(path), "%s/rules/lists", fuzz_root());
        lists = lists_load(path, err);
        if (lists == NULL) {
            fprintf(stderr, "fuzz: %s: %s\n", path, err->data);
            exit(1);
        }
        buf_free(err);
    }
    return lists;
}

/* fuzz_emit - a decoded layer goes through the script and registry analysers again */
static inline void fuzz_emit(void *ctx, const char *how, const char *lang,
                             const unsigned char *data, size_t n)
{
    const HEUR_CTX *parent = ctx;
    (void)how;
    if (n == 0 || parent->depth + 1 >= FUZZ_DECODE_DEPTH)
        return;
    HEUR_CTX c = *parent;
    c.depth++;
    c.emit_ctx = &c;
    heur_script(&c, lang ? lang : "", data, n);
    heur_registry(&c, (const char *)data, n);
}

/* fuzz_heur - the context scan.c gives an analyser (emit ctx: the context itself) */
static inline void fuzz_heur(HEUR_CTX *c, HITS *hits)
{
    *c = (HEUR_CTX){hits, "1/fuzz", fuzz_lists(), fuzz_emit, NULL, 0, 1u << 20, 40};
    c->emit_ctx = c;
}

/* fuzz_pick - consume the first byte as a selector in [0, n) */
static inline unsigned fuzz_pick(const uint8_t **data, size_t *size, unsigned n)
{
    if (*size == 0)
        return 0;
    unsigned v = (*data)[0] % n;
    (*data)++;
    (*size)--;
    return v;
}

/* fuzz_sane_text - str_sanitize's promise: no CR, LF or other C0 control survives */
static inline void fuzz_sane_text(const char *s, size_t n)
{
    BUF *b = buf_new(64);
    str_sanitize(b, s, n, 300);
    for (size_t i = 0; i < b->len; i++)
        FUZZ_CHECK((unsigned char)b->data[i] >= 0x20 && b->data[i] != 0x7f);
    FUZZ_CHECK(b->len <= 300 + 3);
    FUZZ_CHECK(utf8_valid(b->data, b->len));
    buf_free(b);
}

#endif
