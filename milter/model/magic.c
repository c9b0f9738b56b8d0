/*
 * model/magic - magic-byte sniffing of binary formats (contract in model/magic.h)
 *
 * Every byte looked at here is chosen by the sender. Reads stay inside the part:
 * fixed-offset tests go through magic_at(), which checks off <= n and len <= n - off before
 * comparing, and le16/le32/be32 only touch offsets checked that way. The zip walks move
 * strictly forward, compare each length field with the bytes left before adding it and stop
 * after ZIP_MAX_ENTRIES names. The OLE2 scan reads 128-byte directory slots wholly below n
 * and never follows the FAT, so a hostile sector chain leads nowhere. Nothing recurses or
 * allocates; the walks are linear in n with fixed caps.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "model/magic.h"

#define ZIP_MAX_ENTRIES 2000
#define ZIP_EOCD_REACH  (22 + 65535) /* EOCD record plus the longest archive comment */
#define PDF_REACH       1024
#define ISO_VRS_SLOTS   16

#define LIT(s)   (s), (sizeof(s) - 1)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* le32 - little-endian 32-bit value; the caller has checked the 4 bytes exist */
static uint32_t le32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* be32 - big-endian 32-bit value; the caller has checked the 4 bytes exist */
static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

/* Fixed signatures ("\177" is 0x7f, "\375" is 0xfd); formats needing a plausibility
 * check have their own sniff_* below. */
static const struct {
    size_t off;
    const char *bytes;
    size_t len;
    const char *name;
} magics[] = {
    {0, LIT("\177ELF"), "elf"},
    {0, LIT("7z\xbc\xaf\x27\x1c"), "7z"},
    {0, LIT("Rar!\x1a\x07\x00"), "rar"},
    {0, LIT("Rar!\x1a\x07\x01\x00"), "rar"},
    {0, LIT("\x1f\x8b\x08"), "gzip"},
    {0, LIT("\3757zXZ\0"), "xz"},
    {0, LIT("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "ole2"},
    {0, LIT("{\\rt"), "rtf"},
    {0, LIT("L\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0\x46"), "lnk"},
    {0, LIT("vhdxfile"), "vhdx"},
    {0, LIT("conectix"), "vhd"},
    {0, LIT("\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3"), "onenote"},
    {0, LIT("\x89PNG\r\n\x1a\n"), "png"},
    {0, LIT("\xff\xd8\xff"), "jpeg"},
    {0, LIT("GIF87a"), "gif"},
    {0, LIT("GIF89a"), "gif"},
    {0, LIT("II*\0"), "tiff"},
    {0, LIT("MM\0*"), "tiff"},
    {0, LIT("MSCF\0\0\0\0"), "cab"},
    {257, LIT("ustar"), "tar"},
};

/* Zip member names that tell what the archive is (a trailing '/' means "any part
 * under"). Row i sets bit i: bit 0 means OOXML, bit 1 jar; the first row present with a
 * sub names the OOXML kind. */
static const struct {
    const char *name, *sub;
} zip_parts[] = {
    {"[Content_Types].xml", NULL},
    {"META-INF/MANIFEST.MF", NULL},
    {"word/vbaProject.bin", "docm"},
    {"word/", "docx"},
    {"xl/vbaProject.bin", "xlsm"},
    {"xl/macrosheets/", "xlsm"},
    {"xl/", "xlsx"},
    {"ppt/vbaProject.bin", "pptm"},
    {"ppt/", "pptx"},
    {"visio/vbaProject.bin", "vsdm"},
    {"visio/", "vsdx"},
};

/* OLE2 directory names, in the order their sub wins (an msg may carry a doc, a doc an
 * xls). A name ending in '_' is a prefix: msg properties are __substg1.0_XXXXXXXX. */
static const struct {
    const char *name, *sub;
} ole_streams[] = {
    {"EncryptedPackage", "encrypted-ooxml"},
    {"__substg1.0_", "msg"},
    {"PowerPoint Document", "ppt"},
    {"WordDocument", "doc"},
    {"Workbook", "xls"},
    {"Book", "xls"},
    {"VisioDocument", "vsd"},
};

/* zip_note - record in *flags what one member name says about the archive */
static void zip_note(unsigned *flags, const unsigned char *name, size_t len)
{
    for (size_t i = 0; i < NELEM(zip_parts); i++) {
        const char *want = zip_parts[i].name;
        size_t m = strlen(want);
        bool under = want[m - 1] == '/';
        if ((under ? len >= m : len == m) && strncasecmp((const char *)name, want, m) == 0)
            *flags |= 1u << i;
    }
}

/* zip_walk_central - note the names in the central directory; false when there is none */
static bool zip_walk_central(const unsigned char *p, size_t n, unsigned *flags)
{
    if (n < 22)
        return false;
    size_t lo = n > ZIP_EOCD_REACH ? n - ZIP_EOCD_REACH : 0;
    size_t e = n - 22;
    while (!magic_at(p, n, e, LIT("PK\5\6")))
        if (e-- == lo)
            return false;
    size_t count = magic_le16(p + e + 10);
    size_t off = le32(p + e + 16);
    size_t seen = 0;
    /* off + 46 <= e keeps each fixed header below the EOCD record; off only grows */
    for (; seen < count && seen < ZIP_MAX_ENTRIES && off <= e && e - off >= 46; seen++) {
        if (!magic_at(p, n, off, LIT("PK\1\2")))
            break;
        size_t nl = magic_le16(p + off + 28);
        size_t skip = (size_t)magic_le16(p + off + 30) + magic_le16(p + off + 32);
        if (nl > n - off - 46)
            break;
        zip_note(flags, p + off + 46, nl);
        off += 46 + nl;
        if (skip > n - off)
            break;
        off += skip;
    }
    return seen > 0;
}

/* zip_walk_local - note the names in the local headers from off on */
static void zip_walk_local(const unsigned char *p, size_t n, size_t off, unsigned *flags)
{
    for (size_t seen = 0;
         seen < ZIP_MAX_ENTRIES && magic_at(p, n, off, LIT("PK\3\4")) && n - off >= 30; seen++) {
        const unsigned char *h = p + off;
        size_t data = off + 30;
        size_t nl = magic_le16(h + 26);
        size_t el = magic_le16(h + 28);
        size_t cs = le32(h + 18);
        if (nl > n - data)
            break;
        zip_note(flags, h + 30, nl);
        if (el > n - data - nl)
            break;
        data += nl + el;
        if ((magic_le16(h + 6) & 8) || cs == 0xffffffffu) {
            /* sizes follow the data (or sit in a zip64 extra): resync on the next header */
            const unsigned char *q = memmem(p + data, n - data, "PK\3\4", 4);
            if (q == NULL)
                break;
            off = (size_t)(q - p);
        } else {
            if (cs > n - data)
                break;
            off = data + cs;
        }
    }
}

/* sniff_zip - zip and the formats built on it: ooxml (with sub), odf, jar */
static const char *sniff_zip(const unsigned char *p, size_t n, const char **sub)
{
    size_t start = magic_at(p, n, 0, LIT("PK\7\x08PK\3\4")) ? 4 : 0; /* spanned-archive marker */
    unsigned flags = 0;
    if (!magic_at(p, n, start, LIT("PK\3\4")))
        return magic_at(p, n, 0, LIT("PK\5\6")) ? "zip" : NULL; /* empty archive */
    if (!zip_walk_central(p, n, &flags))
        zip_walk_local(p, n, start, &flags);
    if (flags & 1u) {
        for (size_t i = 2; i < NELEM(zip_parts) && *sub == NULL; i++)
            if (flags & (1u << i))
                *sub = zip_parts[i].sub;
        return "ooxml";
    }
    /* OpenDocument: a first member named "mimetype" holding the type */
    if (magic_at(p, n, start + 30, LIT("mimetype")) && magic_le16(p + start + 26) == 8 &&
        magic_at(p, n, start + 38 + magic_le16(p + start + 28),
                 LIT("application/vnd.oasis.opendocument")))
        return "odf";
    return (flags & 2u) ? "jar" : "zip";
}

/* ole_name_is - the directory slot e holds `name` in UTF-16LE (a prefix if it ends in '_') */
static bool ole_name_is(const unsigned char *e, const char *name)
{
    size_t k = strlen(name);
    size_t bytes = magic_le16(e + 64); /* length in bytes, terminator included */
    bool prefix = name[k - 1] == '_';
    if (bytes > 64 || (prefix ? bytes < 2 * k + 2 : bytes != 2 * k + 2))
        return false;
    for (size_t i = 0; i < k; i++)
        if (e[2 * i] != (unsigned char)name[i] || e[2 * i + 1] != 0)
            return false;
    return true;
}

/* ole2_sub - what kind of compound file, from the names in its directory slots */
static const char *ole2_sub(const unsigned char *p, size_t n)
{
    unsigned found = 0;
    /* directory sectors start on 512-byte boundaries past the header, so entries are
     * 128-aligned; a slot is looked at only when it lies wholly inside the part, so the
     * work is n / 128 slots */
    for (size_t off = 512; off <= n && n - off >= 128; off += 128) {
        const unsigned char *e = p + off;
        if (e[66] != 1 && e[66] != 2) /* neither storage nor stream */
            continue;
        for (size_t i = 0; i < NELEM(ole_streams); i++)
            if (ole_name_is(e, ole_streams[i].name))
                found |= 1u << i;
    }
    for (size_t i = 0; i < NELEM(ole_streams); i++)
        if (found & (1u << i))
            return ole_streams[i].sub;
    return NULL;
}

/* sniff_exe - PE with a real PE header; Mach-O, thin or fat (but not a Java class) */
static const char *sniff_exe(const unsigned char *p, size_t n)
{
    if (magic_at(p, n, 0, LIT("MZ"))) /* without a PE header an MZ is only "binary" */
        return n >= 64 && magic_at(p, n, le32(p + 0x3c), LIT("PE\0\0")) ? "pe" : NULL;
    uint32_t m = n >= 28 ? be32(p) : 0;
    uint32_t nfat = n >= 28 ? be32(p + 4) : 0;
    uint32_t cpu = n >= 28 ? be32(p + 8) & 0xffffffu : 0;
    if (m == 0xfeedfaceu || m == 0xcefaedfeu || m == 0xfeedfacfu || m == 0xcffaedfeu)
        return "macho";
    /* fat: a Java class has minor << 16 | major (>= 45) where a fat header counts arches;
     * the first arch must be x86, arm or ppc (32- or 64-bit) */
    if ((m == 0xcafebabeu || m == 0xcafebabfu) && nfat >= 1 && nfat <= 20 &&
        (cpu == 7 || cpu == 12 || cpu == 18))
        return "macho";
    return NULL;
}

/* sniff_misc - formats whose magic is short enough to need a second look */
static const char *sniff_misc(const unsigned char *p, size_t n)
{
    if (n >= 4 && magic_at(p, n, 0, LIT("BZh")) && p[3] >= '1' && p[3] <= '9')
        return "bzip2";
    if (n >= 8 && magic_at(p, n, 0, LIT("ITSF")) && (le32(p + 4) == 2 || le32(p + 4) == 3))
        return "chm";
    if (n >= 26 && magic_at(p, n, 0, LIT("BM")) && le32(p + 6) == 0 && le32(p + 10) >= 26) {
        uint32_t dib = le32(p + 14); /* the DIB header sizes Windows and OS/2 define */
        if (dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 ||
            dib == 124)
            return "bmp";
    }
    if (n >= 22 && magic_at(p, n, 0, LIT("\0\0\1\0")) && magic_le16(p + 4) >= 1 &&
        magic_le16(p + 4) <= 255 && p[9] == 0 && magic_le16(p + 10) <= 1)
        return "ico";
    if (magic_at(p, n, 0, LIT("RIFF")) && magic_at(p, n, 8, LIT("WEBP")))
        return "webp";
    return NULL;
}

/* sniff_disk - ISO 9660 / UDF volume descriptors, VHD footer */
static const char *sniff_disk(const unsigned char *p, size_t n)
{
    bool cd = false;
    bool bea = false;
    for (size_t k = 0; k < ISO_VRS_SLOTS; k++) {
        size_t off = 0x8001 + k * 2048;
        if (magic_at(p, n, off, LIT("NSR02")) || magic_at(p, n, off, LIT("NSR03")))
            return "udf";
        cd = cd || magic_at(p, n, off, LIT("CD001"));
        bea = bea || magic_at(p, n, off, LIT("BEA01"));
    }
    if (cd || bea)
        return cd ? "iso" : "udf";
    if (n >= 512 && magic_at(p, n, n - 512, LIT("conectix")))
        return "vhd";
    return NULL;
}

/* magic_sniff - see model/magic.h */
const char *magic_sniff(const unsigned char *p, size_t n, const char **sub)
{
    const char *name;
    for (size_t i = 0; i < NELEM(magics); i++) {
        if (magic_at(p, n, magics[i].off, magics[i].bytes, magics[i].len)) {
            if (strcmp(magics[i].name, "ole2") == 0)
                *sub = ole2_sub(p, n);
            return magics[i].name;
        }
    }
    if ((name = sniff_zip(p, n, sub)) != NULL || (name = sniff_exe(p, n)) != NULL ||
        (name = sniff_misc(p, n)) != NULL || (name = sniff_disk(p, n)) != NULL)
        return name;
    if (memmem(p, n < PDF_REACH ? n : PDF_REACH, "%PDF-", 5) != NULL)
        return "pdf";
    return NULL;
}
