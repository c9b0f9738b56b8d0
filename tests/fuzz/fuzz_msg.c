/*
 * fuzz_msg - raw message bytes through the whole analyse_message pipeline, then the JSON report
 *
 * The slow, deep target: MIME walk, URL extraction, libclamav (unpacking, VBA), YARA, our
 * analysers with their decoded layers, scoring, verdict, report. The ruleset is loaded
 * once from FM_FUZZ_ROOT/milter.conf (rules/ of the repository), log level error.
 * Checks that the JSON report is valid UTF-8 with no raw control character (the report
 * quotes sender text) and ends with one newline.
 */
#include <stdint.h>
#include <stdio.h>

#include "cache/cache.h"
#include "analyse.h"
#include "lib/buf.h"
#include "core/config.h"
#include "fuzz.h"
#include "core/log.h"
#include "mime/mime.h"
#include "msg.h"
#include "policy/report.h"
#include "core/ruleset.h"

/* load - the repository's configuration and rules, or exit */
static RULESET *load(void)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/milter.conf", fuzz_root());
    CONFIG *cfg = config_new();
    BUF *err = buf_new(128);
    if (config_load(cfg, path, err) != 0) {
        fprintf(stderr, "fuzz_msg: %s\n", err->data);
        exit(1);
    }
    log_open("fuzz_msg", true, cfg->syslog_facility);
    log_set_level(0);
    mime_init();
    RULESET *rs = ruleset_init_libraries(err) == 0 ? ruleset_load(cfg, err) : NULL;
    if (rs == NULL) {
        fprintf(stderr, "fuzz_msg: %s\n", err->data);
        exit(1);
    }
    buf_free(err);
    return rs;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static RULESET *rs;
    if (rs == NULL)
        rs = load();
    char ref[17];
    msg_ref_from_bytes((const char *)data, size, ref);
    MSG *m = msg_new(ref);
    analyse_message(m, (const char *)data, size, rs, cache_default());
    BUF *out = buf_new(4096);
    report_json(out, "fuzz.eml", m, rs);
    FUZZ_CHECK(out->len > 1 && out->data[out->len - 1] == '\n');
    FUZZ_CHECK(utf8_valid(out->data, out->len));
    for (size_t i = 0; i + 1 < out->len; i++)
        FUZZ_CHECK((unsigned char)out->data[i] >= 0x20);
    buf_free(out);
    msg_free(m);
    return 0;
}
