/*
 * fuzz_maldoc - the document object analysers: RTF objects, OneNote embedded files,
 *               OOXML relationships / fields / DDE, Equation Editor objects in OLE2
 *
 * First byte picks the analyser (and for heur_ooxml the part name it is handed as):
 * 0 heur_rtf, 1 heur_onenote, 2 heur_ole_equation, 3..7 heur_ooxml as document.xml.rels,
 * document.xml, externalLink1.xml, list.csv and a Word binary (no name), 8 scan_ole_objects
 * (compound file streams: Equation native data, MSI names and Binary streams), 9 and 10
 * heur_equation_native as Equation Native / Ole10Native data, 11 heur_msi_stream. Embedded files
 * and DDE commands go back through the script analysers (fuzz_emit).
 */
#include <stdint.h>

#include "fuzz.h"
#include "heur/onenote.h"
#include "heur/ooxml.h"
#include "heur/oleobj.h"
#include "heur/rtf.h"
#include "scan/oleobj.h"
#include "model/hit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const parts[] = {"document.xml.rels", "document.xml", "externalLink1.xml",
                                        "list.csv", NULL};
    unsigned mode = fuzz_pick(&data, &size, 12);
    HITS *hits = hits_new();
    HEUR_CTX c;
    fuzz_heur(&c, hits);
    if (mode == 0)
        heur_rtf(&c, data, size);
    else if (mode == 1)
        heur_onenote(&c, data, size);
    else if (mode == 2)
        heur_ole_equation(&c, data, size);
    else if (mode == 8)
        scan_ole_objects(&c, data, size);
    else if (mode == 9 || mode == 10)
        heur_equation_native(&c, data, size, mode == 10);
    else if (mode == 11)
        heur_msi_stream(&c, "Binary.x", data, size);
    else
        heur_ooxml(&c, parts[mode - 3], data, size);
    hits_free(hits);
    return 0;
}
