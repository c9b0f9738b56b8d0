/*
 * fuzz_deobf - every deobfuscation pass (deobf.c, deobf_fold.c, deobf_edit.c,
 *              deobf_vbe.c), fed back into itself as scan.c does
 *
 * The first byte selects the input language, which selects the passes: js/jse/html/svg
 * (concat, charcodes, escapes, replace, reverse, base64, jse), vbs/vbe (Chr chains, &
 * concat, StrReverse, Replace, vbe), ps1 (-EncodedCommand, FromBase64String, backtick
 * and format tricks, the psnorm token reductions, IEX unwrapping, deflate/gzip after
 * FromBase64String), bat/cmd/lnk (carets, set substitutions), hta/wsf/sct (the mix) and
 * "" (base64 only). Every output is run through deobf_run again in the language the pass
 * gave it (or the input's), FUZZ_DECODE_DEPTH levels deep. Checks the documented
 * bounds: no output longer than max_out, at most max_outputs outputs per call, the
 * count returned equals the outputs seen, and a `how` from the known set.
 */
#include <stdint.h>
#include <string.h>

#include "heur/deobf.h"
#include "fuzz.h"

static const char *const langs[] = {"js",  "jse", "vbs", "vbe", "ps1",  "bat", "cmd",
                                    "lnk", "hta", "wsf", "sct", "html", "svg", ""};
static const DEOBF_LIMITS lim = {4096, 16, 16};

typedef struct RUN {
    const char *lang;
    int depth;
    size_t seen;
} RUN;

static void out(void *ctx, const char *how, const char *lang, const char *data, size_t n);

/* run - one deobf_run call with its checks */
static void run(const char *lang, const char *in, size_t n, int depth)
{
    RUN r = {lang, depth, 0};
    size_t got = deobf_run(lang, in, n, &lim, out, &r);
    FUZZ_CHECK(got == r.seen);
    FUZZ_CHECK(got <= lim.max_outputs);
}

/* out - one decoded result: check it, decode it again */
static void out(void *ctx, const char *how, const char *lang, const char *data, size_t n)
{
    static const char known[] =
        " concat charcodes escapes base64 encodedcommand frombase64string "
        "reverse replace vbe jse cmdset carets psnorm iex inflate utf16 strarray eval ";
    RUN *r = ctx;
    r->seen++;
    FUZZ_CHECK(how != NULL && n > 0 && n <= lim.max_out);
    char word[40];
    snprintf(word, sizeof(word), " %s ", how);
    FUZZ_CHECK(strstr(known, word) != NULL);
    if (r->depth + 1 < FUZZ_DECODE_DEPTH)
        run(lang ? lang : r->lang, data, n, r->depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *lang = langs[fuzz_pick(&data, &size, sizeof(langs) / sizeof(langs[0]))];
    run(lang, (const char *)data, size, 0);
    return 0;
}
