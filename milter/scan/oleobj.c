/*
 * scan/oleobj - the object streams of an OLE2 file handed to heur/oleobj.c (see oleobj.h)
 */
#include <stdlib.h>
#include <string.h>

#include "heur/oleobj.h"
#include "scan/cfb.h"
#include "scan/oleobj.h"

/* equation - judge the root stream `name` (cfb_find's ASCII folding) as Equation data */
static void equation(HEUR_CTX *c, const CFB *f, const char *name, bool ole10)
{
    int e = cfb_find(f, name);
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

/* scan_ole_objects - see scan/oleobj.h */
void scan_ole_objects(HEUR_CTX *c, const unsigned char *d, size_t n)
{
    static const unsigned char tail[8] = {0xc0, 0, 0, 0, 0, 0, 0, 0x46}; /* ...-C000-...46 */
    if (c == NULL || c->hits == NULL)
        return;
    CFB *f = cfb_open(d, n);
    unsigned char id[16];
    if (f == NULL || !cfb_clsid(f, 0, id)) {
        cfb_free(f);
        return;
    }
    bool ms = memcmp(id + 8, tail, 8) == 0 && memcmp(id + 4, "\0\0\0\0", 4) == 0;
    unsigned long d1 = (unsigned long)id[0] | (unsigned long)id[1] << 8 |
                       (unsigned long)id[2] << 16 | (unsigned long)id[3] << 24;
    equation(c, f, "Equation Native", false);
    if (ms && d1 == 0x0002ce02ul) /* Equation 3.0 {0002CE02-0000-0000-C000-000000000046} */
        equation(c, f, "?Ole10Native", true);
    if (ms && (d1 == 0x000c1084ul || d1 == 0x000c1086ul || d1 == 0x000c1082ul))
        msi(c, f);
    cfb_free(f);
}
