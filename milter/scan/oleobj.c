/*
 * scan/oleobj - the object streams of an OLE2 file handed to heur/oleobj.c (see oleobj.h)
 */
#include <stdlib.h>
#include <string.h>

#include "heur/oleobj.h"
#include "scan/cfb.h"
#include "scan/oleobj.h"

/* equation - judge stream `name` (cfb_find's ASCII folding) of a storage as Equation data */
static void equation(HEUR_CTX *c, const CFB *f, size_t storage, const char *name, bool ole10)
{
    int e = cfb_find_in(f, storage, name);
    size_t len = 0;
    unsigned char *s = e < 0 ? NULL : cfb_read(f, e, c->max_decoded, &len);
    if (s)
        heur_equation_native(c, s, len, ole10);
    free(s);
}

/* msi - a Windows Installer package: the fact, then each stream by its decoded name */
static void msi(HEUR_CTX *c, const CFB *f)
{
    hits_add(c->hits, "MSI_PACKAGE", c->location, "a Windows Installer package (OLE2)");
    size_t seen = 0;
    for (size_t i = 0; i < cfb_count(f) && seen < MSI_MAX_STREAMS; i++) {
        uint16_t w[32];
        int nw = cfb_stream_name(f, i, w);
        if (nw < 0)
            continue;
        seen++;
        char name[80];
        heur_msi_name(w, (size_t)nw, name, sizeof(name));
        if (strncmp(name, "Binary.", 7) != 0)
            continue;
        size_t len = 0;
        unsigned char *s = cfb_read(f, (int)i, c->max_decoded, &len);
        if (s)
            heur_msi_stream(c, name, s, len);
        free(s);
    }
}

/* ole_id - the first field of a CLSID {XXXXXXXX-0000-0000-C000-000000000046}, or 0 for
 * any other */
static unsigned long ole_id(const unsigned char id[16])
{
    static const unsigned char tail[8] = {0xc0, 0, 0, 0, 0, 0, 0, 0x46};
    if (memcmp(id + 8, tail, 8) != 0 || memcmp(id + 4, "\0\0\0\0", 4) != 0)
        return 0;
    return (unsigned long)id[0] | (unsigned long)id[1] << 8 | (unsigned long)id[2] << 16 |
           (unsigned long)id[3] << 24;
}

/* scan_ole_objects - see scan/oleobj.h */
void scan_ole_objects(HEUR_CTX *c, const unsigned char *d, size_t n)
{
    if (c == NULL || c->hits == NULL)
        return;
    CFB *f = cfb_open(d, n);
    unsigned char id[16];
    if (f == NULL || !cfb_clsid(f, 0, id)) {
        cfb_free(f);
        return;
    }
    unsigned long root = ole_id(id);
    if (root == 0x000c1084ul || root == 0x000c1086ul || root == 0x000c1082ul)
        msi(c, f);
    /* the root and every storage (a Word ObjectPool object, an embedded object) */
    for (size_t i = 0, k = 0; i < cfb_count(f) && k < OLE_MAX_STORAGES; i++) {
        if (!cfb_storage(f, i) || !cfb_clsid(f, i, id))
            continue;
        k++;
        equation(c, f, i, "Equation Native", false);
        if (ole_id(id) == 0x0002ce02ul) /* Equation 3.0 */
            equation(c, f, i, "?Ole10Native", true);
    }
    cfb_free(f);
}
