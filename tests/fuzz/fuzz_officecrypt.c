/*
 * fuzz_officecrypt - encrypted Office files (officecrypt.c, officecrypt_rc4.c, cfb.c) and
 *                    CHM help files (chm.c, libmspack)
 *
 * The first byte selects the mode: 0 officecrypt_detect + officecrypt_open with the
 * default password and a second candidate; 1 chm_extract; 2 the compound file reader
 * alone (every stream cfb_find knows, read and written back into a copy). Checks beyond
 * "no sanitizer report": a decrypted result has its length and a password index in range
 * and is freed by officecrypt_done; the hash budget is never overspent; CHM members never
 * exceed the limits given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "scan/cfb.h"
#include "scan/chm.h"
#include "scan/officecrypt.h"
#include "lib/xalloc.h"

#define FUZZ_MAX_BYTES (1u << 20)
#define FUZZ_SPINS     60000 /* one Standard candidate; Agile only with a small spinCount */

typedef struct GOT {
    size_t members, bytes;
} GOT;

static void on_member(void *ctx, const char *name, const unsigned char *data, size_t n,
                      int truncated)
{
    GOT *g = ctx;
    (void)truncated;
    FUZZ_CHECK(name != NULL && data != NULL && n <= 65536);
    g->members++;
    g->bytes += n;
}

static void office(const uint8_t *data, size_t size)
{
    char *pw[] = {OFFICECRYPT_DEFAULT_PASSWORD, "Password1234_"};
    OFFICECRYPT_LIMITS lim = {FUZZ_MAX_BYTES, FUZZ_SPINS};
    OFFICECRYPT_RESULT r;
    (void)officecrypt_detect(data, size);
    int ret = officecrypt_open(data, size, pw, 2, &lim, &r);
    FUZZ_CHECK(ret >= -1 && ret <= 1);
    FUZZ_CHECK(r.spins <= FUZZ_SPINS);
    if (ret == 1) {
        FUZZ_CHECK(r.out != NULL && r.len <= FUZZ_MAX_BYTES + size && r.used >= 0 && r.used < 2);
        if (r.len) { /* every byte of the result is ours to read (ASan checks the last) */
            volatile unsigned char last = r.out[r.len - 1];
            (void)last;
        }
    } else {
        FUZZ_CHECK(r.out == NULL && r.used == -1);
    }
    officecrypt_done(&r);
}

static void cfb(const uint8_t *data, size_t size)
{
    static const char *names[] = {"Workbook",         "WordDocument", "1Table",
                                  "0Table",           "Data",         "EncryptionInfo",
                                  "EncryptedPackage", "Current User", "PowerPoint Document",
                                  "Pictures"};
    CFB *c = cfb_open(data, size);
    if (c == NULL)
        return;
    unsigned char *img = xmalloc(size);
    memcpy(img, data, size);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t n = 0;
        int e = cfb_find(c, names[i]);
        unsigned char *s = cfb_read(c, e, FUZZ_MAX_BYTES, &n);
        if (s) {
            FUZZ_CHECK(cfb_write(c, e, img, s, n) == 0);
            free(s);
        }
    }
    FUZZ_CHECK(memcmp(img, data, size) == 0); /* writing a stream's own bytes changes nothing */
    free(img);
    cfb_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned mode = fuzz_pick(&data, &size, 3);
    if (mode == 0)
        office(data, size);
    else if (mode == 1) {
        CHM_LIMITS lim = {64, 65536, 262144};
        GOT g = {0, 0};
        size_t left = 0;
        int r = chm_extract(data, size, &lim, on_member, &g, &left);
        FUZZ_CHECK(r == -1 || (size_t)r == g.members);
        FUZZ_CHECK(g.members <= 64 && g.bytes <= 262144);
    } else
        cfb(data, size);
    return 0;
}
