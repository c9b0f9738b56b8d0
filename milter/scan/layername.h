/*
 * scan/layername - names and locations of the layers libclamav hands out
 *
 * SYNOPSIS
 *   bool layername_is_ole2_hashed(const char *s);   bool layername_is_engine(const char *name);
 *   char *layername_type(const char *type);         char *layername_anon(const char *file_name,
 *                                                                         const char *etype);
 *   char *layername_child(const char *parent, const char *name, bool sanitize);
 *
 * DESCRIPTION
 *   Pure string helpers of the libclamav adapter (scan/clamav.c), kept apart from it.
 *   layername_is_ole2_hashed: libclamav's OLE2 temp name (32 lower-case hex digits, "_",
 *   digits); layername_is_engine: a name libclamav made up (a temp file, a hashed OLE2
 *   stream, "unknown"), not the member's own. layername_type turns "CL_TYPE_MSEXE" into
 *   "msexe"; layername_anon gives "(type)" for a layer without a real name ("(ole2-stream)"
 *   for OLE2 data streams); layername_child is `parent>name`, the name sanitized when asked,
 *   the whole cut at LAYERNAME_LOC_MAX bytes (ending in "...", never inside a UTF-8
 *   sequence). The strings returned are allocated; the caller frees them.
 */
#ifndef FM_LAYERNAME_H
#define FM_LAYERNAME_H

#include <stdbool.h>

#define LAYERNAME_LOC_MAX  1024 /* bytes of a location; longer ones end in "..." */
#define LAYERNAME_NAME_MAX 128  /* bytes of one sanitized member name in a location */

bool layername_is_ole2_hashed(const char *s);
bool layername_is_engine(const char *name);
char *layername_type(const char *type);
char *layername_anon(const char *file_name, const char *etype);
char *layername_child(const char *parent, const char *name, bool sanitize);

#endif
