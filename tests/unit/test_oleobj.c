/*
 * test_oleobj - heur/oleobj.c (Equation Editor native data, MSI stream names and Binary
 *               programs) and scan/oleobj.c on compound files built here
 *
 * The compound files are written by a minimal MS-CFB writer (512-byte sectors, one FAT
 * sector, one directory sector, streams of 4096 bytes so no mini stream), with the root
 * CLSID and stream names of the case: an Equation 3.0 object (also as a storage inside a
 * Word file), a Windows Installer package.
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heur/oleobj.h"
#include "model/hit.h"
#include "scan/oleobj.h"
#include "testhits.h"

#define SECT 512
#define SLEN 4096 /* every stream: at the mini stream cutoff, so in regular sectors */

static HEUR_CTX ctx(HITS *h)
{
    return (HEUR_CTX){h, "1/t", NULL, NULL, NULL, 0, 1u << 20, 40};
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

/* dir_entry - a directory entry for a root (type 5) or storage (type 1) named name (ASCII),
 * without siblings, whose child is entry child */
static void dir_entry(unsigned char *e, const char *name, unsigned type, uint32_t child,
                      const unsigned char clsid[16])
{
    size_t len = strlen(name);
    for (size_t i = 0; i < len; i++)
        put16(e + 2 * i, (unsigned char)name[i]);
    put16(e + 0x40, (unsigned)(len + 1) * 2);
    e[0x42] = (unsigned char)type;
    put32(e + 0x44, 0xffffffff);
    put32(e + 0x48, 0xffffffff);
    put32(e + 0x4c, child);
    memcpy(e + 0x50, clsid, 16);
}

/* when set, cfb() puts the streams into a storage "_1234" (a Word ObjectPool object) that
 * has the CLSID, under a root with Word's */
static bool nested;

/* cfb - a compound file with root CLSID clsid and ns streams (UTF-16 names, <= 31
 * units, and their first bytes, padded to SLEN); *n its size */
static unsigned char *cfb(const unsigned char clsid[16], int ns, const uint16_t names[][32],
                          const size_t *nlen, const unsigned char *const *data, const size_t *dlen,
                          size_t *n)
{
    size_t per = SLEN / SECT;
    *n = SECT * (3 + ns * per);
    unsigned char *f = calloc(1, *n);
    static const unsigned char magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    memcpy(f, magic, 8);
    put16(f + 0x18, 0x3e);
    put16(f + 0x1a, 3);
    put16(f + 0x1c, 0xfffe);
    put16(f + 0x1e, 9);
    put16(f + 0x20, 6);
    put32(f + 0x2c, 1);          /* FAT sectors */
    put32(f + 0x30, 1);          /* directory start */
    put32(f + 0x38, 4096);       /* mini stream cutoff */
    put32(f + 0x3c, 0xfffffffe); /* no MiniFAT */
    put32(f + 0x44, 0xfffffffe); /* no DIFAT chain */
    for (int i = 0; i < 109; i++)
        put32(f + 0x4c + 4 * i, i ? 0xffffffff : 0);
    unsigned char *fat = f + SECT;
    for (int i = 0; i < SECT / 4; i++)
        put32(fat + 4 * i, 0xffffffff);
    put32(fat, 0xfffffffd);     /* sector 0: the FAT */
    put32(fat + 4, 0xfffffffe); /* sector 1: the directory */
    unsigned char *dir = f + 2 * SECT;
    dir_entry(dir, "Root Entry", 5, ns ? 1 : 0xffffffff, clsid);
    put32(dir + 0x74, 0xfffffffe);
    int first_stream = 1;
    if (nested) { /* entry 1: the storage, its child entry 2 */
        static const unsigned char word[16] = {0x06, 0x09, 0x02, 0, 0, 0, 0, 0,
                                               0xc0, 0,    0,    0, 0, 0, 0, 0x46};
        memcpy(dir + 0x50, word, 16);
        dir_entry(dir + 128, "_1234", 1, 2, clsid);
        first_stream = 2;
    }
    for (int s = 0; s < ns; s++) {
        unsigned char *e = dir + 128 * (s + first_stream);
        for (size_t i = 0; i < nlen[s]; i++)
            put16(e + 2 * i, names[s][i]);
        put16(e + 0x40, (unsigned)(nlen[s] + 1) * 2);
        e[0x42] = 2;
        put32(e + 0x44, 0xffffffff);
        put32(e + 0x48, s + 1 < ns ? (uint32_t)(s + first_stream + 1) : 0xffffffff);
        put32(e + 0x4c, 0xffffffff);
        uint32_t first = 2 + (uint32_t)(s * per);
        put32(e + 0x74, first);
        put32(e + 0x78, SLEN);
        for (size_t k = 0; k < per; k++)
            put32(fat + 4 * (first + k), k + 1 < per ? first + (uint32_t)k + 1 : 0xfffffffe);
        memcpy(f + SECT * (1 + first), data[s], dlen[s] < SLEN ? dlen[s] : SLEN);
    }
    return f;
}

/* ascii - an ASCII name as UTF-16 code units */
static size_t ascii(uint16_t out[32], const char *s)
{
    size_t k = 0;
    for (; s[k] && k < 31; k++)
        out[k] = (unsigned char)s[k];
    return k;
}

/* msi_encode - the MSI packing of name (pairs of [0-9A-Za-z._] into one code point) */
static size_t msi_encode(uint16_t out[32], const char *name, bool table)
{
    static const char set[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._";
    size_t k = 0;
    if (table)
        out[k++] = 0x4840;
    for (size_t i = 0; name[i] && k < 31; i += 2) {
        unsigned a = (unsigned)(strchr(set, name[i]) - set);
        if (name[i + 1] == 0) {
            out[k++] = (uint16_t)(0x4800 + a);
            break;
        }
        unsigned b = (unsigned)(strchr(set, name[i + 1]) - set);
        out[k++] = (uint16_t)(0x3800 + a + (b << 6));
    }
    return k;
}

/* Equation Native: EQNOLEFILEHDR (28 bytes, cbHdr first) then MTEF v3 */
static size_t eqnative(unsigned char *out, const unsigned char *mtef, size_t n)
{
    memset(out, 0, 28);
    put16(out, 28);
    put32(out + 2, 0x00020000);
    put32(out + 8, (uint32_t)n);
    memcpy(out + 28, mtef, n);
    return 28 + n;
}

/* a legitimate equation: header, FULL, LINE, FONT "Times New Roman", a CHAR, ENDs */
static const unsigned char LEGIT[] = "\x03\x01\x01\x03\x0a\x0a\x01\x08\x03\x00Times New Roman\0"
                                     "\x02\x00\x83\x78\x00\x00\x00";
/* CVE-2017-11882 shape: the FONT name is 48 bytes of code without a NUL in reach */
static const unsigned char OVERFLOW[] =
    "\x03\x01\x01\x03\x0a\x0a\x01\x08\x5a\x5a"
    "cmd.exe /c calc.exe AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x12\x0c\x43\x00";
/* a FONT name that holds machine code (call ebx, jmp eax) within 32 bytes */
static const unsigned char CODE[] = "\x03\x01\x01\x03\x0a\x0a\x01\x08\x5a\x5a\xb8\x44\xeb\x71\x12"
                                    "\xff\xd3\xff\xe0\x00";
/* no MTEF header at all: random bytes (an encrypted shellcode carrier) */
static const unsigned char NOHDR[] = "\x03\x99\x9a\x57\x47\xd2\x01\x08\x55\xa8\xbb\xc9\x30\x15";

static void test_equation_exploit(void **state)
{
    (void)state;
    unsigned char b[256];
    size_t n = eqnative(b, LEGIT, sizeof(LEGIT) - 1);
    assert_null(heur_equation_exploit(b, n, false));
    n = eqnative(b, OVERFLOW, sizeof(OVERFLOW) - 1);
    assert_non_null(strstr(heur_equation_exploit(b, n, false), "overflows"));
    n = eqnative(b, CODE, sizeof(CODE) - 1);
    assert_non_null(strstr(heur_equation_exploit(b, n, false), "code"));
    n = eqnative(b, NOHDR, sizeof(NOHDR) - 1);
    assert_non_null(strstr(heur_equation_exploit(b, n, false), "no MTEF header"));
    /* the OLE1 way: a 32-bit size, then MTEF */
    put32(b, sizeof(LEGIT) - 1);
    memcpy(b + 4, LEGIT, sizeof(LEGIT) - 1);
    assert_null(heur_equation_exploit(b, 4 + sizeof(LEGIT) - 1, true));
    memcpy(b + 4, NOHDR, sizeof(NOHDR) - 1);
    assert_non_null(heur_equation_exploit(b, 4 + sizeof(NOHDR) - 1, true));
    /* a header that claims an impossible length */
    put16(b, 0x400);
    assert_non_null(heur_equation_exploit(b, 64, false));
    /* every truncation of the exploit stays in bounds (ASan) and short data is no equation */
    n = eqnative(b, OVERFLOW, sizeof(OVERFLOW) - 1);
    for (size_t cut = 0; cut < n; cut++) {
        unsigned char *t = malloc(cut ? cut : 1);
        memcpy(t, b, cut);
        (void)heur_equation_exploit(t, cut, false);
        (void)heur_equation_exploit(t, cut, true);
        free(t);
    }
    assert_null(heur_equation_exploit(b, 28, false));
    assert_null(heur_equation_exploit(NULL, 10, false));
}

static void test_msi_name(void **state)
{
    (void)state;
    uint16_t w[32];
    char out[80];
    size_t k = msi_encode(w, "CustomAction", true);
    assert_int_equal(heur_msi_name(w, k, out, sizeof(out)), 13);
    assert_string_equal(out, "!CustomAction");
    k = msi_encode(w, "Binary.Setup_exe", false);
    heur_msi_name(w, k, out, sizeof(out));
    assert_string_equal(out, "Binary.Setup_exe");
    k = ascii(w, "\005SummaryInformation");
    heur_msi_name(w, k, out, sizeof(out));
    assert_string_equal(out, "?SummaryInformation");
    heur_msi_name(w, k, out, 4); /* truncated, NUL-terminated */
    assert_string_equal(out, "?Su");
}

/* pe - a minimal PE header with COFF characteristics flags, in n bytes */
static unsigned char *pe(unsigned flags, size_t n)
{
    unsigned char *p = calloc(1, n);
    p[0] = 'M';
    p[1] = 'Z';
    put32(p + 0x3c, 0x80);
    memcpy(p + 0x80, "PE\0\0", 4);
    put16(p + 0x84, 0x14c);
    put16(p + 0x80 + 22, flags);
    return p;
}

static void test_msi_stream(void **state)
{
    (void)state;
    unsigned char *exe = pe(0x0102, 1024);
    unsigned char *dll = pe(0x2102, 1024);
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h);
    heur_msi_stream(&c, "Binary.CustomDll", dll, 1024);
    heur_msi_stream(&c, "Icon.app_ico", exe, 1024); /* not the Binary table */
    heur_msi_stream(&c, "Binary.Setup", exe, 0x90); /* PE header cut off */
    int bad = hits_expect(h, NULL, "MSI_BINARY_EXE", "a DLL, another table, a cut header");
    heur_msi_stream(&c, "Binary.Setup", exe, 1024);
    bad += hits_expect(h, "MSI_BINARY_EXE", NULL, "a program in Binary");
    hits_free(h);
    free(exe);
    free(dll);
    assert_int_equal(bad, 0);
}

static const unsigned char EQ_CLSID[16] = {0x02, 0xce, 0x02, 0x00, 0, 0, 0, 0,
                                           0xc0, 0,    0,    0,    0, 0, 0, 0x46};
static const unsigned char MSI_CLSID[16] = {0x84, 0x10, 0x0c, 0x00, 0, 0, 0, 0,
                                            0xc0, 0,    0,    0,    0, 0, 0, 0x46};
static const unsigned char WORD_CLSID[16] = {0x06, 0x09, 0x02, 0x00, 0, 0, 0, 0,
                                             0xc0, 0,    0,    0,    0, 0, 0, 0x46};

/* scan_files - scan_ole_objects over a built file; the symbols it found checked */
static int scan_file(const unsigned char clsid[16], int ns, const uint16_t names[][32],
                     const size_t *nlen, const unsigned char *const *data, const size_t *dlen,
                     const char *want, const char *nowant, const char *name)
{
    size_t n;
    unsigned char *f = cfb(clsid, ns, names, nlen, data, dlen, &n);
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h);
    scan_ole_objects(&c, f, n);
    int bad = hits_expect(h, want, nowant, name);
    /* truncations and a flipped byte in the tables never crash (ASan) */
    for (size_t cut = 0; cut < n; cut += 97) {
        HITS *t = hits_new();
        c = ctx(t);
        scan_ole_objects(&c, f, cut);
        hits_free(t);
    }
    hits_free(h);
    free(f);
    return bad;
}

static void test_scan_objects(void **state)
{
    (void)state;
    uint16_t names[2][32];
    size_t nlen[2];
    unsigned char eq[256];
    const unsigned char *data[2] = {eq, NULL};
    size_t dlen[2];
    /* an Equation object with a legitimate Equation Native stream: nothing */
    nlen[0] = ascii(names[0], "Equation Native");
    dlen[0] = eqnative(eq, LEGIT, sizeof(LEGIT) - 1);
    int bad = scan_file(EQ_CLSID, 1, names, nlen, data, dlen, NULL,
                        "OLE_EQUATION_EXPLOIT MSI_PACKAGE", "legitimate equation");
    /* the same stream holding the font overflow */
    dlen[0] = eqnative(eq, OVERFLOW, sizeof(OVERFLOW) - 1);
    bad += scan_file(EQ_CLSID, 1, names, nlen, data, dlen, "OLE_EQUATION_EXPLOIT", NULL,
                     "Equation Native overflow");
    /* an Equation 3.0 object stored the OLE1 way (\1Ole10Native, case-varied) */
    nlen[0] = ascii(names[0], "\001oLE10natiVe");
    put32(eq, 0x0ee559);
    memcpy(eq + 4, NOHDR, sizeof(NOHDR) - 1);
    dlen[0] = 4 + sizeof(NOHDR) - 1;
    bad += scan_file(EQ_CLSID, 1, names, nlen, data, dlen, "OLE_EQUATION_EXPLOIT", NULL,
                     "Ole10Native of an Equation object");
    /* ... but Ole10Native of any other object (an OLE Package) is no equation */
    bad += scan_file(WORD_CLSID, 1, names, nlen, data, dlen, NULL, "OLE_EQUATION_EXPLOIT",
                     "Ole10Native of another object");
    /* the same object as a storage inside a Word document (ObjectPool) */
    nested = true;
    bad += scan_file(EQ_CLSID, 1, names, nlen, data, dlen, "OLE_EQUATION_EXPLOIT", NULL,
                     "Equation object in a storage");
    bad += scan_file(WORD_CLSID, 1, names, nlen, data, dlen, NULL, "OLE_EQUATION_EXPLOIT",
                     "Ole10Native in a storage of another object");
    nested = false;
    /* a Windows Installer package with a program in its Binary table */
    unsigned char *exe = pe(0x0102, 1024);
    unsigned char *dll = pe(0x2102, 1024);
    nlen[0] = msi_encode(names[0], "CustomAction", true);
    nlen[1] = msi_encode(names[1], "Binary.Payload", false);
    const unsigned char *msi[2] = {dll, exe};
    size_t mlen[2] = {1024, 1024};
    bad += scan_file(MSI_CLSID, 2, names, nlen, msi, mlen, "MSI_PACKAGE MSI_BINARY_EXE", NULL,
                     "MSI with an EXE in Binary");
    msi[1] = dll; /* a DLL custom action only: the package fact */
    bad += scan_file(MSI_CLSID, 2, names, nlen, msi, mlen, "MSI_PACKAGE", "MSI_BINARY_EXE",
                     "MSI with a DLL in Binary");
    msi[1] = exe; /* the same streams in a file that is no installer */
    bad += scan_file(WORD_CLSID, 2, names, nlen, msi, mlen, NULL, "MSI_PACKAGE MSI_BINARY_EXE",
                     "not an installer");
    free(exe);
    free(dll);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equation_exploit),
        cmocka_unit_test(test_msi_name),
        cmocka_unit_test(test_msi_stream),
        cmocka_unit_test(test_scan_objects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
