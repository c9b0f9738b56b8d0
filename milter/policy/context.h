/*
 * context - where a finding sits: a place the recipient can run, or a mention
 *
 * SYNOPSIS
 *   bool context_mention(const PARTS *parts, const char *location);
 *   bool context_mention_name(const char *filename);
 *
 * DESCRIPTION
 *   A finding is a mention when the content it was found in cannot run on the recipient's
 *   side: a message body (a text/plain or text/html part without a file name), a plain-text
 *   attachment (text/plain without an extension) or a file or archive member whose
 *   extension names a text format (.txt .text .md .markdown .rst .log .csv: a CSV's DDE
 *   formulas are judged by their own DDE_* symbols) or a web page (.html .htm .xhtml: its
 *   prose; what a browser runs of it, its scripts, event handlers and javascript: URLs, is
 *   the layer `>decoded:script` (heur/html.h), a delivery at any depth; findings of the
 *   emulator (`>emu:`) are deliveries too). The innermost named member of the
 *   location decides (`2/notes.zip>readme.txt` is a mention, `1/notes.txt` with a hit at
 *   `1/notes.txt>decoded:b64` too); decoded layers (`>decoded:`), VBA modules (`>vba:`) and
 *   unnamed layers (`>(tar)`) inherit from what holds them. Anything else (an attachment
 *   named .js, .hta, .svg, .docm, an unnamed binary) is a delivery, and so is a location whose part
 *   is unknown. context_mention_name tells it for one file name. Pure: no I/O.
 */
#ifndef FM_CONTEXT_H
#define FM_CONTEXT_H

#include <stdbool.h>

#include "model/part.h"

bool context_mention(const PARTS *parts, const char *location);
bool context_mention_name(const char *filename);

#endif
