/*
 * engine - run one script in a fresh duktape heap with the fake host, inside limits
 *          (the helper's only interface to the interpreter; see engine.c)
 *
 * SYNOPSIS
 *   typedef void (*engine_sink)(void *ctx, int kind, const char *const *field,
 *                               const size_t *len, size_t nfield);
 *   void engine_prepare(const char *host, size_t host_len);
 *   void engine_run(const char *host, size_t host_len, const EVLOG_REQUEST *r,
 *                   engine_sink sink, void *ctx);
 *
 * DESCRIPTION
 *   Creates a heap whose allocator refuses past r->memory_mib MiB, loads the host (JS
 *   source), then compiles and runs the script with a deadline of r->ms milliseconds of CPU
 *   time that the interpreter checks itself (DUK_USE_EXEC_TIMEOUT_CHECK; the script cannot
 *   catch it).
 *   Every call the host records and every layer it produces go to sink as EVLOG_EV_CALL /
 *   EVLOG_EV_LAYER; the run ends with one EVLOG_EV_END whose name is the status: ok, quit,
 *   timeout, memory, syntax or exception (then the message as second field). The heap is
 *   destroyed before returning. A fatal interpreter error reports "error" and _exits.
 *
 *   engine_prepare (once, before the sandbox is locked) compiles the host and keeps its
 *   bytecode, so that each run loads it instead of compiling it again (about 5 ms less
 *   per script); without it engine_run compiles the source.
 */
#ifndef FM_EMU_ENGINE_H
#define FM_EMU_ENGINE_H

#include <stddef.h>

#include "emu/evlog.h"

typedef void (*engine_sink)(void *ctx, int kind, const char *const *field, const size_t *len,
                            size_t nfield);

void engine_prepare(const char *host, size_t host_len);
void engine_run(const char *host, size_t host_len, const EVLOG_REQUEST *r, engine_sink sink,
                void *ctx);

#endif
