/*
 * scan/officecrypt_xor - XOR obfuscation of BIFF8 workbooks (FILEPASS wEncryptionType 0;
 * contract in scan/officecrypt.h; MS-OFFCRYPTO 2.3.7.1 - 2.3.7.3, MS-XLS 2.2.10)
 *
 * A password of at most 15 bytes (each UTF-16 unit's low byte, or its high byte when the
 * low one is 0) gives a 16-bit key and a 16-bit verifier, both stored in FILEPASS: a
 * candidate is right when both match (a false match is one in 2^32). The 16-byte XOR
 * array built from the password, the key and a fixed pad is applied to every byte of a
 * record's data: byte p of a record whose data is n bytes long is ror5(byte ^ array[(p +
 * n) mod 16]), p being the stream offset. Record headers and the records MS-XLS leaves
 * plain (BOF, FILEPASS, INTERFACEHDR, USREXCL, FILELOCK, RRDINFO, RRDHEAD) are not
 * obfuscated, nor the first 4 bytes of BOUNDSHEET (lbPlyPos). FILEPASS is then blanked to
 * record type 0, as for RC4.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/officecrypt_int.h"
#include "lib/xalloc.h"

#define XOR_MAX_PW 15

static const unsigned char pad[15] = {0xBB, 0xFF, 0xFF, 0xBA, 0xFF, 0xFF, 0xB9, 0x80,
                                      0x00, 0xBE, 0x0F, 0x00, 0xBF, 0x0F, 0x00};
static const uint16_t initial[15] = {0xE1F0, 0x1D0F, 0xCC9C, 0x84C0, 0x110C, 0x0E10, 0xF1CE, 0x313E,
                                     0x1872, 0xE139, 0xD40F, 0x84F9, 0x280C, 0xA96A, 0x4EC3};
static const uint16_t matrix[105] = {
    0xAEFC, 0x4DD9, 0x9BB2, 0x2745, 0x4E8A, 0x9D14, 0x2A09, 0x7B61, 0xF6C2, 0xFDA5, 0xEB6B, 0xC6F7,
    0x9DCF, 0x2BBF, 0x4563, 0x8AC6, 0x05AD, 0x0B5A, 0x16B4, 0x2D68, 0x5AD0, 0x0375, 0x06EA, 0x0DD4,
    0x1BA8, 0x3750, 0x6EA0, 0xDD40, 0xD849, 0xA0B3, 0x5147, 0xA28E, 0x553D, 0xAA7A, 0x44D5, 0x6F45,
    0xDE8A, 0xAD35, 0x4A4B, 0x9496, 0x390D, 0x721A, 0xEB23, 0xC667, 0x9CEF, 0x29FF, 0x53FE, 0xA7FC,
    0x5FD9, 0x47D3, 0x8FA6, 0x0F6D, 0x1EDA, 0x3DB4, 0x7B68, 0xF6D0, 0xB861, 0x60E3, 0xC1C6, 0x93AD,
    0x377B, 0x6EF6, 0xDDEC, 0x45A0, 0x8B40, 0x06A1, 0x0D42, 0x1A84, 0x3508, 0x6A10, 0xAA51, 0x4483,
    0x8906, 0x022D, 0x045A, 0x08B4, 0x1168, 0x76B4, 0xED68, 0xCAF1, 0x85C3, 0x1BA7, 0x374E, 0x6E9C,
    0x3730, 0x6E60, 0xDCC0, 0xA9A1, 0x4363, 0x86C6, 0x1DAD, 0x3331, 0x6662, 0xCCC4, 0x89A9, 0x0373,
    0x06E6, 0x0DCC, 0x1021, 0x2042, 0x4084, 0x8108, 0x1231, 0x2462, 0x48C4};

/* bytes - the password's bytes for method 1; 0 when empty or over 15 */
static size_t bytes(const char *pw, unsigned char out[XOR_MAX_PW])
{
    unsigned char u[OC_PW16_MAX];
    size_t n = oc_utf16(pw, u) / 2;
    if (n == 0 || n > XOR_MAX_PW)
        return 0;
    for (size_t i = 0; i < n; i++)
        out[i] = u[2 * i] ? u[2 * i] : u[2 * i + 1];
    return n;
}

/* verifier - CreatePasswordVerifier_Method1 */
static uint16_t verifier(const unsigned char *p, size_t n)
{
    uint16_t v = 0;
    for (size_t i = n + 1; i-- > 0;) {
        unsigned char b = i == 0 ? (unsigned char)n : p[i - 1];
        v = (uint16_t)((((v & 0x4000) ? 1 : 0) | ((v << 1) & 0x7FFF)) ^ b);
    }
    return (uint16_t)(v ^ 0xCE4B);
}

/* xor_key - CreateXorKey_Method1 */
static uint16_t xor_key(const unsigned char *p, size_t n)
{
    uint16_t k = initial[n - 1];
    int e = 0x68;
    for (size_t i = n; i-- > 0;) {
        unsigned char c = p[i];
        for (int b = 0; b < 7; b++, e--) {
            if (c & 0x40)
                k ^= matrix[e];
            c = (unsigned char)(c << 1);
        }
    }
    return k;
}

/* xor_ror - ror1(a ^ b) */
static unsigned char xor_ror(unsigned char a, unsigned char b)
{
    unsigned char x = a ^ b;
    return (unsigned char)((x >> 1) | (x << 7));
}

/* xor_array - CreateXorArray_Method1 */
static void xor_array(const unsigned char *p, size_t n, uint16_t key, unsigned char a[16])
{
    unsigned char hi = (unsigned char)(key >> 8);
    unsigned char lo = (unsigned char)key;
    size_t i = n;
    memset(a, 0, 16);
    if (i % 2 == 1) {
        a[i] = xor_ror(pad[0], hi);
        i--;
        a[i] = xor_ror(p[n - 1], lo);
    }
    while (i > 0) {
        i--;
        a[i] = xor_ror(p[i], hi);
        i--;
        a[i] = xor_ror(p[i], lo);
    }
    int k = 15;
    int padi = 15 - (int)n; /* signed: an even n ends at padi -1 */
    while (padi > 0) {
        a[k--] = xor_ror(pad[padi--], hi);
        a[k--] = xor_ror(pad[padi--], lo);
    }
}

/* plain - records never obfuscated (as for RC4, MS-XLS 2.2.10) */
static bool plain(uint16_t t)
{
    return t == 0x0809 || t == 0x002F || t == 0x0194 || t == 0x0195 || t == 0x00E1 || t == 0x0196 ||
           t == 0x0138;
}

/* deobfuscate - every record's data in d (a copy of w) */
static void deobfuscate(const unsigned char *w, unsigned char *d, size_t n,
                        const unsigned char a[16])
{
    for (size_t off = 0; off + 4 <= n;) {
        uint16_t t = oc_le16(w + off);
        size_t len = oc_le16(w + off + 2);
        size_t s = off + 4;
        size_t end = s + len > n ? n : s + len;
        if (t == 0x002F) {
            d[off] = d[off + 1] = 0; /* FILEPASS blanked to record type 0 */
            memset(d + s, 0, end - s);
        } else if (!plain(t)) {
            for (size_t p = t == 0x0085 ? s + 4 : s; p < end; p++) {
                unsigned char x = w[p] ^ a[(p + len) % 16];
                d[p] = (unsigned char)((x >> 5) | (x << 3));
            }
        }
        off = end;
    }
}

/* oc_open_xls_xor - the FILEPASS at fp says XOR: find the password, deobfuscate */
int oc_open_xls_xor(OC *o, int entry, const unsigned char *w, size_t n, size_t fp)
{
    snprintf(o->r->scheme, sizeof(o->r->scheme), "XOR obfuscation");
    if (oc_le16(w + fp + 2) < 6) {
        o->r->why = "broken XOR FILEPASS record";
        return 0;
    }
    uint16_t key = oc_le16(w + fp + 6);
    uint16_t ver = oc_le16(w + fp + 8);
    unsigned char p[XOR_MAX_PW];
    unsigned char a[16];
    size_t pl = 0;
    for (size_t i = 0; i < o->npw; i++) {
        if (o->pw[i] == NULL || !oc_spend(o, 1) || (pl = bytes(o->pw[i], p)) == 0 ||
            verifier(p, pl) != ver || xor_key(p, pl) != key)
            continue;
        o->r->used = (int)i;
        xor_array(p, pl, key, a);
        unsigned char *d = try_malloc(n ? n : 1);
        if (d == NULL) {
            o->r->why = "out of memory";
            return 0;
        }
        memcpy(d, w, n);
        deobfuscate(w, d, n, a);
        o->r->out = oc_image_with(o, &entry, &d, &n, 1);
        o->r->len = o->r->out ? o->n : 0;
        free(d);
        if (o->r->out == NULL)
            o->r->why = "decryption failed";
        return o->r->out != NULL;
    }
    o->r->why = o->r->budget ? "hash budget spent before every candidate was tried"
                             : "no candidate password matches";
    return 0;
}
