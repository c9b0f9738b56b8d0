/*
 * model/cap - capabilities: what content would do when opened (the behaviour model's vocabulary)
 *
 * SYNOPSIS
 *   unsigned cap_parse(const char *list, BUF *why);   bool cap_from_name(const char *n, unsigned
 * *bit); const char *cap_name(unsigned bit);               void cap_format(unsigned set, BUF *out);
 *
 * DESCRIPTION
 *   A capability is one bit of a CAP_SET. The table in cap.c is the single list of names that
 *   rules/scoring.conf (the `@CAP,CAP` token after a symbol's cap column), the report and the
 *   tests share. cap_parse reads a comma-separated list of names (without the leading `@`) and
 *   returns the set, or 0 with the reason in why when a name is unknown or the list is empty.
 *   cap_format appends the names of a set, comma-separated, in table order. Pure: no I/O.
 */
#ifndef FM_CAP_H
#define FM_CAP_H

#include <stdbool.h>

#include "lib/buf.h"

enum {
    CAP_DOWNLOAD = 1u << 0,         /* fetches content from the network */
    CAP_EXECUTE = 1u << 1,          /* starts a process, shell, script host or LOLBIN proxy */
    CAP_PERSIST = 1u << 2,          /* survives a reboot: Run keys, tasks, services, startup ... */
    CAP_REGISTRY_WRITE = 1u << 3,   /* writes a registry value */
    CAP_REGISTRY_PAYLOAD = 1u << 4, /* the value written is itself a payload (encoded, script) */
    CAP_DECODE = 1u << 5,           /* decodes its own content: base64, char codes, XOR, inflate */
    CAP_IN_MEMORY = 1u << 6,        /* loads code in memory: reflection, VirtualAlloc, Add-Type */
    CAP_WRITE_FILE = 1u << 7,       /* writes a file to disk */
    CAP_EVASION = 1u << 8,          /* AMSI bypass, hidden window, execution-policy bypass */
    CAP_AUTOEXEC = 1u << 9,         /* runs on open without a further click */
    CAP_LURE = 1u << 10,            /* text telling the reader to run a command */
};
#define CAP_COUNT 11

typedef unsigned CAP_SET;

CAP_SET cap_parse(const char *list, BUF *why);
bool cap_from_name(const char *name, CAP_SET *bit);
const char *cap_name(CAP_SET bit);
void cap_format(CAP_SET set, BUF *out);

#endif
