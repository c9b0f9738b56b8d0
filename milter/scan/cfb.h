/*
 * scan/cfb - a small, bounded reader of OLE2 compound files (MS-CFB), held in memory
 *
 * SYNOPSIS
 *   CFB *cfb_open(const unsigned char *data, size_t n);
 *   CFB *cfb_free(CFB *c);
 *   int cfb_find(const CFB *c, const char *name);
 *   int cfb_find_in(const CFB *c, size_t storage, const char *name);
 *   unsigned char *cfb_read(const CFB *c, int entry, size_t max, size_t *len);
 *   int cfb_write(const CFB *c, int entry, unsigned char *image, const unsigned char *src,
 *                 size_t len);
 *   size_t cfb_count(const CFB *c);
 *   int cfb_stream_name(const CFB *c, size_t i, uint16_t name[32]);
 *   bool cfb_clsid(const CFB *c, size_t i, unsigned char clsid[16]);
bool cfb_storage(const CFB *c, size_t i);
int cfb_find_in(const CFB *c, size_t storage, const char *name);
 *   bool cfb_storage(const CFB *c, size_t i);
 *
 * DESCRIPTION
 *   Pure C, no library: scan/officecrypt.c needs to read a few top-level streams
 *   (EncryptionInfo, EncryptedPackage, Workbook, WordDocument, 1Table ...) and to put
 *   same-sized decrypted streams back into a copy of the file, sector by sector, so that
 *   the result is again a compound file libclamav can open (macros and all). A library
 *   that reads streams (libgsf) cannot tell where their bytes live in the file.
 *
 *   cfb_open parses the header, the FAT (header DIFAT and DIFAT chain), the directory,
 *   the MiniFAT and the mini stream's sector chain; it borrows data, which must outlive
 *   the CFB. NULL when data is not a compound file or its tables are broken.
 *   cfb_find returns the directory index of the stream `name` (ASCII, case-insensitive,
 *   as Office does) among the root storage's children, or -1; cfb_find_in the same among
 *   the children of storage entry `storage` (0 the root; -1 when it is no storage). cfb_read
returns a copy of
 *   the stream's bytes (xmalloc; its *len is the recorded size, at most max) or NULL when
 *   its chain is broken, runs outside the file or the size is over max. cfb_write writes
 *   the first len bytes of src over the same stream's sectors in image, a copy of the
 *   data given to cfb_open (len at most the stream's size); 0, or -1 as cfb_read fails.
 *   cfb_count is the number of directory entries read (indexes 0 .. count-1, 0 the root);
 *   cfb_stream_name copies the UTF-16 name of entry i (at most 31 code units, no NUL) and
 *   returns its length, or -1 when i is no stream (MSI packages name their streams with
 *   code points 0x3800-0x4840, which the ASCII folding of cfb_find cannot tell apart);
 *   cfb_clsid copies entry i's CLSID (the root's, entry 0, says what the file is: an
 *   Equation 3.0 object, a Windows Installer package ...; a storage's, an embedded object's);
 *   cfb_storage says whether entry i is a storage or the root.
 *
 * LIMITS
 *   Every sector number and chain is checked against the file: a chain is at most as long
 *   as the file has sectors, so loops end. At most CFB_MAX_DIR_ENTRIES directory entries
 *   and CFB_MAX_FAT_SECTORS FAT sectors are read (a 4096-byte-sector FAT of that size
 *   maps 8 GB); the root's child tree is walked at most CFB_MAX_DIR_ENTRIES steps.
 */
#ifndef FM_CFB_H
#define FM_CFB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CFB_MAX_DIR_ENTRIES 65536
#define CFB_MAX_FAT_SECTORS 16384

typedef struct CFB CFB;

CFB *cfb_open(const unsigned char *data, size_t n);
CFB *cfb_free(CFB *c);
int cfb_find(const CFB *c, const char *name);
unsigned char *cfb_read(const CFB *c, int entry, size_t max, size_t *len);
int cfb_write(const CFB *c, int entry, unsigned char *image, const unsigned char *src, size_t len);
size_t cfb_count(const CFB *c);
int cfb_stream_name(const CFB *c, size_t i, uint16_t name[32]);
bool cfb_clsid(const CFB *c, size_t i, unsigned char clsid[16]);
bool cfb_storage(const CFB *c, size_t i);
int cfb_find_in(const CFB *c, size_t storage, const char *name);

#endif
