/*
 * engine - the duktape adapter (the only file that includes duktape.h; see engine.h)
 *
 * duktape is built from Debian's amalgamated source (/usr/share/duktape) with two config
 * lines changed by the Makefile: DUK_USE_INTERRUPT_COUNTER and DUK_USE_EXEC_TIMEOUT_CHECK
 * calling emu_timeout_check below, which is how a run stops at its deadline with an
 * error no try/catch in the script can swallow (docs: emulation.md §2). The allocator
 * keeps a budget (a 16-byte header holds each block's size); past it allocations fail,
 * which duktape turns into a catchable error, so the deadline still ends a script that
 * retries. Natives given to the host: __rec(name, args...) records a call, __layer(how,
 * value) a produced string or byte buffer, __quit() ends the run the way WScript.Quit does
 * (the deadline is moved to now, so the script cannot catch it either).
 */
#include <duktape.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emu/engine.h"

#define HDR            16
#define FIELD_MAX      (1u << 20) /* bytes of one call argument recorded */
#define LAYER_MAX      (8u << 20) /* bytes of one produced layer */
#define GRACE_MS       20.0       /* past the deadline before the allocator ends the run */
#define SLACK          (4u << 20) /* budget added past the deadline, to build the timeout error */
#define DECODE_CALL_MS 20.0       /* CPU for one decoder call site evaluated after the run */
#define DECODE_SCAN_MS 100.0      /* CPU to find the call sites, and to substitute the results */

typedef struct RUN {
    size_t used, limit;
    unsigned refused, calls;
    double deadline;
    int timed_out, quit, muted; /* muted: the decoder pass, no events but its layer */
    engine_sink sink;
    void *ctx;
} RUN;

static RUN *current; /* for the fatal handler */

static void fatal(void *udata, const char *msg);

/*
 * now_ms - milliseconds of CPU this process used: the deadline is CPU time, so a loaded
 * machine does not cut scripts short (the milter's watchdog is the wall-clock bound)
 */
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* emu_timeout_check - called by the interpreter every few thousand instructions */
duk_bool_t emu_timeout_check(void *udata);
duk_bool_t emu_timeout_check(void *udata)
{
    RUN *r = udata;
    if (r == NULL)
        return 0;
    if (r->quit || now_ms() > r->deadline) {
        r->timed_out = 1;
        return 1;
    }
    return 0;
}

/* b_alloc, b_realloc, b_free - the budget allocator */
static void *b_realloc(void *udata, void *ptr, duk_size_t n)
{
    RUN *r = udata;
    if ((++r->calls & 63) == 0 && now_ms() > r->deadline + GRACE_MS) {
        r->timed_out = 1; /* a loop of native calls that never reaches the check */
        fatal(r, "execution timeout (checked by the allocator)");
    }
    char *base = ptr ? (char *)ptr - HDR : NULL;
    size_t old = base ? *(size_t *)base : 0;
    if (n == 0) {
        if (base) {
            r->used -= old;
            free(base);
        }
        return NULL;
    }
    if (r->limit && r->used - old + n > r->limit + (r->timed_out ? SLACK : 0)) {
        r->refused++;
        if (now_ms() > r->deadline) /* refusals make duktape collect garbage again and */
            fatal(r, "over the memory budget past the deadline"); /* again: end it here */
        return NULL;
    }
    char *nb = realloc(base, n + HDR);
    if (nb == NULL) {
        r->refused++;
        return NULL;
    }
    *(size_t *)nb = n;
    r->used += n - old;
    return nb + HDR;
}

static void *b_alloc(void *udata, duk_size_t n)
{
    return b_realloc(udata, NULL, n);
}

static void b_free(void *udata, void *ptr)
{
    b_realloc(udata, ptr, 0);
}

/* end - the END event with a status and a message (and "exit" when the helper leaves) */
static void end(RUN *r, const char *status, const char *msg, int exiting)
{
    const char *f[3] = {status, msg ? msg : "", "exit"};
    size_t l[3] = {strlen(status), strlen(f[1]), 4};
    r->sink(r->ctx, EVLOG_EV_END, f, l, exiting ? 3 : 2);
}

/* fatal - an error outside any protected call: report and leave */
static void fatal(void *udata, const char *msg)
{
    (void)udata;
    if (current)
        end(current,
            udata && ((RUN *)udata)->refused     ? "memory"
            : udata && ((RUN *)udata)->timed_out ? "timeout"
                                                 : "error",
            msg, 1);
    _exit(3);
}

/* field_of - the bytes of argument i: raw buffer data or the value as a string */
static const char *field_of(duk_context *c, duk_idx_t i, size_t *len, size_t max)
{
    duk_size_t n = 0;
    if (duk_is_buffer_data(c, i)) {
        void *p = duk_get_buffer_data(c, i, &n);
        *len = n > max ? max : n;
        return p ? p : "";
    }
    const char *s = duk_safe_to_lstring(c, i, &n);
    *len = n > max ? max : n;
    return s;
}

/* emit - __rec / __layer: the arguments as fields */
static duk_ret_t emit(duk_context *c, int kind, size_t max)
{
    RUN *r = current;
    if (r->muted)
        return 0;
    duk_idx_t n = duk_get_top(c);
    if (n > EVLOG_MAX_FIELDS)
        n = EVLOG_MAX_FIELDS;
    if (n < 1)
        return 0;
    const char *f[EVLOG_MAX_FIELDS];
    size_t l[EVLOG_MAX_FIELDS];
    for (duk_idx_t i = 0; i < n; i++)
        f[i] = field_of(c, i, &l[i], i == 0 ? 256 : max);
    r->sink(r->ctx, kind, f, l, (size_t)n);
    return 0;
}

static duk_ret_t n_rec(duk_context *c)
{
    return emit(c, EVLOG_EV_CALL, FIELD_MAX);
}

static duk_ret_t n_layer(duk_context *c)
{
    return emit(c, EVLOG_EV_LAYER, LAYER_MAX);
}

static duk_ret_t n_quit(duk_context *c)
{
    if (!current->muted) /* a decoder call that quits ends that call only */
        current->quit = 1;
    return duk_error(c, DUK_ERR_ERROR, "WScript.Quit");
}

/* message - the error at the top of the stack as text (its message when it is an Error) */
static const char *message(duk_context *c)
{
    if (duk_is_error(c, -1)) {
        duk_get_prop_string(c, -1, "message");
        duk_remove(c, -2);
    }
    return duk_safe_to_string(c, -1);
}

/* utf8_ok - the bytes are valid UTF-8 (shape only) */
static int utf8_ok(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char b = p[i];
        size_t k;
        if (b < 0x80)
            k = 0;
        else if ((b & 0xe0) == 0xc0)
            k = 1;
        else if ((b & 0xf0) == 0xe0)
            k = 2;
        else if ((b & 0xf8) == 0xf0)
            k = 3;
        else
            return 0;
        if (k > n - i - 1)
            return 0;
        for (size_t j = 1; j <= k; j++)
            if ((p[i + j] & 0xc0) != 0x80)
                return 0;
        i += k + 1;
    }
    return 1;
}

/*
 * push_source - the script as a string duktape reads: UTF-16LE (with its BOM) becomes
 * CESU-8, bytes that are not UTF-8 are read as Latin-1; a UTF-8 BOM is dropped
 */
static void push_source(duk_context *c, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
        p += 3;
        n -= 3;
    }
    if (utf8_ok(p, n) && !(n >= 2 && p[0] == 0xff && p[1] == 0xfe)) {
        duk_push_lstring(c, (const char *)p, n);
        return;
    }
    int wide = n >= 2 && p[0] == 0xff && p[1] == 0xfe;
    char *u = malloc(n * 3 + 1);
    size_t k = 0;
    for (size_t i = wide ? 2 : 0; u && i + (wide ? 1 : 0) < n; i += wide ? 2 : 1) {
        unsigned v = wide ? (unsigned)p[i] | (unsigned)p[i + 1] << 8 : p[i];
        if (v < 0x80) {
            u[k++] = (char)v;
        } else if (v < 0x800) {
            u[k++] = (char)(0xc0 | v >> 6);
            u[k++] = (char)(0x80 | (v & 0x3f));
        } else {
            u[k++] = (char)(0xe0 | v >> 12);
            u[k++] = (char)(0x80 | ((v >> 6) & 0x3f));
            u[k++] = (char)(0x80 | (v & 0x3f));
        }
    }
    duk_push_lstring(c, u ? u : "", k);
    free(u);
}

/* push_prepared - the request's script on the stack, passed through the host's __prepare
 * (JScript-isms rewritten) when it defines one; the raw source when __prepare fails */
static void push_prepared(duk_context *c, const EVLOG_REQUEST *req)
{
    push_source(c, req->script, req->script_len);
    if (duk_get_global_string(c, "__prepare") && duk_is_function(c, -1)) {
        duk_dup(c, -2);
        if (duk_pcall(c, 1) == 0 && duk_is_string(c, -1))
            duk_replace(c, -2);
        else
            duk_pop(c);
    } else {
        duk_pop(c);
    }
}

static void *host_code; /* the host compiled once, as duktape bytecode (engine_prepare) */
static size_t host_code_len;

/* engine_prepare - see engine.h */
void engine_prepare(const char *host, size_t host_len)
{
    RUN r = {0};
    r.deadline = 1e300;
    duk_context *c = duk_create_heap(b_alloc, b_realloc, b_free, &r, fatal);
    if (c == NULL)
        return;
    duk_push_lstring(c, host, host_len);
    duk_push_string(c, "host.js");
    if (duk_pcompile(c, 0) == 0) {
        duk_dump_function(c);
        duk_size_t n = 0;
        void *p = duk_get_buffer_data(c, -1, &n);
        host_code = p && n ? malloc(n) : NULL;
        if (host_code) {
            memcpy(host_code, p, n);
            host_code_len = n;
        }
    }
    duk_destroy_heap(c);
}

/* load_host - run the host in the fresh heap: its bytecode when prepared, else its source */
static int load_host(duk_context *c, const char *host, size_t host_len)
{
    if (host_code == NULL)
        return duk_peval_lstring(c, host, host_len);
    void *b = duk_push_fixed_buffer(c, host_code_len);
    memcpy(b, host_code, host_code_len);
    duk_load_function(c);
    return duk_pcall(c, 0);
}

/*
 * compile - compile the source below the name on the stack; on a SyntaxError, compile
 * __downlevel(source) instead (ES2015 rewritten, downlevel.js). Leaves the function, or
 * the first error (a script the rewrite cannot help keeps its own message). Returns 0
 * when compiled.
 */
static int compile(duk_context *c, const EVLOG_REQUEST *req)
{
    duk_dup(c, -2); /* source copy, for the second try */
    duk_dup(c, -2);
    if (duk_pcompile(c, 0) == 0) {
        duk_replace(c, -3);
        duk_pop(c);
        return 0;
    }
    duk_replace(c, -3); /* the error replaces the source: [error, name] */
    duk_pop(c);
    if (!duk_get_global_string(c, "__downlevel") || !duk_is_function(c, -1)) {
        duk_pop(c); /* leaves the error */
        return 1;
    }
    duk_pop(c);
    duk_get_global_string(c, "__downlevel");
    push_prepared(c, req);
    if (duk_pcall(c, 1) != 0 || !duk_is_string(c, -1)) { /* the rewrite gave up */
        duk_pop(c);
        return 1;
    }
    if (duk_get_global_string(c, "__rec") && duk_is_function(c, -1)) {
        duk_push_string(c, "Downlevel");
        duk_push_sprintf(c, "%lu", (unsigned long)duk_get_length(c, -3));
        duk_pcall(c, 2);
    }
    duk_pop(c);
    duk_push_lstring(c, req->name, req->name_len);
    if (duk_pcompile(c, 0) != 0) {
        duk_pop(c);
        return 1;
    }
    duk_replace(c, -2); /* [function] */
    return 0;
}

/* budget - the deadline for the next step of the decoder pass: now + ms, not past end */
static int budget(RUN *r, double end_ms, double ms)
{
    double now = now_ms();
    if (now >= end_ms)
        return 0;
    r->deadline = now + ms < end_ms ? now + ms : end_ms;
    r->timed_out = 0;
    r->quit = 0;
    return 1;
}

/* call_global - pcall the global function name with an optional integer argument */
static int call_global(duk_context *c, const char *name, int arg)
{
    if (!duk_get_global_string(c, name) || !duk_is_function(c, -1)) {
        duk_pop(c);
        return -1;
    }
    if (arg >= 0)
        duk_push_int(c, arg);
    int rc = duk_pcall(c, arg >= 0 ? 1 : 0);
    int v = rc == 0 && duk_is_number(c, -1) ? duk_get_int(c, -1) : rc == 0 ? 0 : -1;
    duk_pop(c);
    return v;
}

/*
 * decoders - after the run: the host's __decoders finds the call sites of the script's
 * string-decoder candidates, each is evaluated by __decodeOne with DECODE_CALL_MS of CPU
 * and the events muted, __decoded hands back the code with the results substituted (the
 * one event of the pass). Skipped after a timeout or a memory refusal; never past the
 * run's own deadline. The run's status flags are restored afterwards (a refusal in the
 * pass does not make the run a memory bomb).
 */
static void decoders(duk_context *c, RUN *r, const EVLOG_REQUEST *req)
{
    double end_ms = r->deadline;
    int quit = r->quit, timed_out = r->timed_out;
    if (r->refused || (timed_out && !quit))
        return;
    duk_idx_t top = duk_get_top(c); /* the run's message may live there: kept */
    r->muted = 1;
    if (budget(r, end_ms, DECODE_SCAN_MS) && duk_get_global_string(c, "__decoders") &&
        duk_is_function(c, -1)) {
        push_prepared(c, req);
        int n = duk_pcall(c, 1) == 0 && duk_is_number(c, -1) ? duk_get_int(c, -1) : 0;
        duk_pop(c);
        for (int i = 0; i < n && !r->refused && budget(r, end_ms, DECODE_CALL_MS); i++)
            call_global(c, "__decodeOne", i);
        r->muted = 0;
        if (!r->refused && budget(r, end_ms, DECODE_SCAN_MS))
            call_global(c, "__decoded", -1);
    }
    duk_set_top(c, top);
    r->muted = 0;
    r->refused = 0;
    r->deadline = end_ms;
    r->quit = quit;
    r->timed_out = timed_out;
}

/* engine_run - see engine.h */
void engine_run(const char *host, size_t host_len, const EVLOG_REQUEST *req, engine_sink sink,
                void *ctx)
{
    RUN r = {0};
    r.limit = (size_t)req->memory_mib << 20;
    r.deadline = now_ms() + req->ms;
    r.sink = sink;
    r.ctx = ctx;
    current = &r;
    duk_context *c = duk_create_heap(b_alloc, b_realloc, b_free, &r, fatal);
    if (c == NULL) {
        end(&r, "memory", "heap not created", 0);
        current = NULL;
        return;
    }
    duk_push_c_function(c, n_rec, DUK_VARARGS);
    duk_put_global_string(c, "__rec");
    duk_push_c_function(c, n_layer, DUK_VARARGS);
    duk_put_global_string(c, "__layer");
    duk_push_c_function(c, n_quit, 0);
    duk_put_global_string(c, "__quit");
    duk_push_lstring(c, req->name, req->name_len);
    duk_put_global_string(c, "__name");
    duk_push_int(c, (duk_int_t)req->kind);
    duk_put_global_string(c, "__kind");
    if (load_host(c, host, host_len) != 0) {
        end(&r, "error", message(c), 0);
        duk_destroy_heap(c);
        current = NULL;
        return;
    }
    duk_pop(c);
    push_prepared(c, req);
    duk_push_lstring(c, req->name, req->name_len);
    const char *status = "ok";
    const char *msg = "";
    if (compile(c, req) != 0) {
        status = "syntax";
        msg = message(c);
    } else if (duk_pcall(c, 0) != 0) {
        status = "exception";
        msg = message(c);
    } else if (duk_get_global_string(c, "__after") && duk_is_function(c, -1) &&
               duk_pcall(c, 0) != 0) { /* timers and load handlers the page queued */
        status = "exception";
        msg = message(c);
    }
    decoders(c, &r, req);
    if (r.quit) /* a limit wins over what the script made of it (it may catch some) */
        status = "quit";
    else if (r.refused) /* a memory bomb usually also runs into the deadline */
        status = "memory";
    else if (r.timed_out)
        status = "timeout";
    end(&r, status, msg, 0);
    current = NULL;
    duk_destroy_heap(c);
}
