/*
 * emulate - run a script attachment in a sandboxed helper and report what it did:
 *           EMU_* findings at `<location>>emu:<API>` and the strings it produced as
 *           decoded layers
 *
 * SYNOPSIS
 *   void emu_script(HEUR_CTX *c, const CONFIG *cfg, const char *type,
 *                   const unsigned char *data, size_t n);
 *   bool emu_wanted(const char *location, const char *type);
 *   int emu_selfcheck(const CONFIG *cfg, BUF *err);
 *
 * DESCRIPTION
 *   emu_wanted says whether a buffer at this location of this type (language token or
 *   type name) is emulated: js, hta, wsf, sct, html, svg and xml (an XSL stylesheet's
 *   msxsl:script blocks; other XML has nothing to run), in parts, archive members
 *   and embedded layers, and in the layer decoded from a JScript.Encode file (`>decoded:
 *   jse`); not in other decoded layers (they came from a script that was itself run),
 *   nor in ClamAV's decode of the same Script Encoder file (`>screnc.html`).
 *
 *   emu_script (when cfg->emulate is on) takes the JavaScript out of the buffer
 *   (extract.c), runs it in a worker (pool.c) with emulate_ms and emulate_memory, and
 *   turns the recorded calls into findings (table in emulate.c; weights and
 *   capabilities in rules/scoring.conf): process launches, downloads, files written,
 *   registry writes (autostart keys, payload values, and the complete chain: an
 *   autostart value that launches a script or encoded command), scheduled tasks, WMI
 *   subscriptions, shortcuts, remote scriptlets, files saved by a page. Each finding is
 *   at `<location>>emu:<API>` (`#N` for the Nth call of one API) with the call's
 *   arguments as detail. Code passed to eval/Function, HTML written by the page, files
 *   and blobs written, registry values and command lines go to c->emit as layers
 *   `emu-<how>` (the same bytes once per script), so YARA, ClamAV and the analysers see
 *   them. A run cut by a limit keeps what it recorded and adds EMU_LIMIT; a script the
 *   interpreter cannot compile, a helper crash or no helper adds EMU_ERROR. Static
 *   findings of the buffer are untouched either way. It returns what the run showed for
 *   heur_known (heur/known.h): HEUR_RUN_HOST when any call used the script host (a
 *   COM/ActiveX object, WScript, shell, files, registry, tasks, WMI, saved blobs),
 *   HEUR_RUN_INERT when the script ran to its end ("ok") without one, else
 *   HEUR_RUN_NONE (not run, cut by a limit, thrown, quit).
 *
 *   emu_selfcheck configures the pool from cfg and runs a trivial script (-n).
 */
#ifndef FM_EMU_EMULATE_H
#define FM_EMU_EMULATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "heur/heur.h"
#include "heur/known.h"
#include "lib/buf.h"

HEUR_RUN emu_script(HEUR_CTX *c, const CONFIG *cfg, const char *type, const unsigned char *data,
                    size_t n);
bool emu_wanted(const char *location, const char *type);
int emu_selfcheck(const CONFIG *cfg, BUF *err);

#endif
