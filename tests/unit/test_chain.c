/*
 * test_chain - chains of capabilities per attachment, mention context, one capability tags,
 * names counted once, block_extensions; the chain and group tokens of scoring.conf; and the
 * shipped rules/scoring.conf's chains on typical cases
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/cap.h"
#include "model/hit.h"
#include "model/part.h"
#include "policy/chain.h"
#include "policy/context.h"
#include "policy/score.h"

/* scores_from - parse scoring.conf text through a temp file */
static SCORES *scores_from(const char *text, BUF *err)
{
    char path[] = "/tmp/fm-test-chain-XXXXXX";
    int fd = mkstemp(path);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    SCORES *s = scores_load(path, err);
    unlink(path);
    return s;
}

static const char *conf = "SCRIPT_DOWNLOAD 4 6 @DOWNLOAD Downloads\n"
                          "SCRIPT_PROCESS_LAUNCH 3 5 @EXECUTE Starts a process\n"
                          "SCRIPT_HIDDEN_WINDOW 2 3 @EVASION Hidden\n"
                          "PS_EXEC_POLICY_BYPASS 2 3 @EVASION Bypass\n"
                          "SCRIPT_INMEMORY_LOAD 3 6 @IN_MEMORY Reflection\n"
                          "LURE_RUN_DIALOG 4 - @LURE Paste into Run\n"
                          "FILE_DANGEROUS_EXT 5 10 ^name Extension\n"
                          "ARCHIVE_SCRIPT 5 10 ^name Script in an archive\n"
                          "URL_IP_LITERAL 3 4 A link to an IP\n"
                          "CLAMAV_* 20 - !reject Official\n"
                          "CHAIN_DOWNLOAD_EXECUTE 8 - =DOWNLOAD+EXECUTE Download and run\n"
                          "CHAIN_LURE_COMMAND 10 - =LURE+EXECUTE|DOWNLOAD Lure\n"
                          "CHAIN_IN_MEMORY_DOWNLOAD 8 - =IN_MEMORY+DOWNLOAD In memory\n";

static SCORES *load_conf(void)
{
    BUF *err = buf_new(64);
    SCORES *s = scores_from(conf, err);
    assert_non_null(s);
    buf_free(err);
    return s;
}

/* weight_of - the weight of the first hit with this symbol, or -1 */
static double weight_of(const HITS *h, const char *sym)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->v[i].symbol, sym) == 0)
            return h->v[i].weight;
    return -1;
}

static const HIT *hit_of(const HITS *h, const char *sym)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->v[i].symbol, sym) == 0)
            return &h->v[i];
    return NULL;
}

static const SCORE_CTX plain = {.alone_max = 4, .mention_max = 1};

static void test_parse_chain_and_group(void **state)
{
    (void)state;
    SCORES *s = load_conf();
    const SCORE_ENTRY *e = scores_find(s, "CHAIN_LURE_COMMAND");
    assert_int_equal(e->nneed, 2);
    assert_int_equal(e->need[0], CAP_LURE);
    assert_int_equal(e->need[1], CAP_EXECUTE | CAP_DOWNLOAD);
    assert_string_equal(e->description, "Lure");
    assert_string_equal(scores_find(s, "ARCHIVE_SCRIPT")->group, "name");
    assert_null(scores_find(s, "SCRIPT_DOWNLOAD")->group);
    scores_free(s);
    BUF *err = buf_new(64);
    assert_null(scores_from("CHAIN_X 8 - =DOWNLOAD+NOPE desc\n", err));
    assert_non_null(strstr(err->data, "unknown capability 'NOPE'"));
    buf_reset(err);
    assert_null(scores_from("CHAIN_X 8 - =A+B+C+D+E+F+G desc\n", err));
    buf_reset(err);
    assert_null(scores_from("X_Y 8 - ^ desc\n", err));
    assert_non_null(strstr(err->data, "empty group"));
    buf_reset(err);
    assert_null(scores_from("X_Y 8 - ^name !never desc\n", err)); /* no leak on a late error */
    buf_free(err);
}

static void test_chain_fires_per_attachment(void **state)
{
    (void)state;
    SCORES *s = load_conf();
    HITS *h = hits_new();
    hits_add(h, "SCRIPT_DOWNLOAD", "2/a.zip>x.js", "WebClient");
    hits_add(h, "SCRIPT_PROCESS_LAUNCH", "2/a.zip>x.js>decoded:b64", "Start-Process");
    hits_add(h, "SCRIPT_PROCESS_LAUNCH", "3/b.js", "Run"); /* another attachment */
    double total = score_message(s, h, &plain);
    const HIT *c = hit_of(h, "CHAIN_DOWNLOAD_EXECUTE");
    assert_non_null(c);
    assert_string_equal(c->location, "2/a.zip");
    assert_string_equal(
        c->detail,
        "DOWNLOAD=SCRIPT_DOWNLOAD@>x.js EXECUTE=SCRIPT_PROCESS_LAUNCH@>x.js>decoded:b64");
    assert_true(total == 8 + 4 + 3 + 2); /* SCRIPT_PROCESS_LAUNCH: cap 5 per message */
    /* rescoring drops the old chain hit and adds it again once */
    assert_true(score_message(s, h, &plain) == total);
    size_t chains = 0;
    for (size_t i = 0; i < h->n; i++)
        chains += strncmp(h->v[i].symbol, "CHAIN_", 6) == 0;
    assert_int_equal(chains, 1);
    hits_free(h);
    /* the same capabilities split over two attachments are no chain */
    h = hits_new();
    hits_add(h, "SCRIPT_DOWNLOAD", "2/a.ps1", NULL);
    hits_add(h, "SCRIPT_PROCESS_LAUNCH", "3/b.ps1", NULL);
    score_message(s, h, &plain);
    assert_null(hit_of(h, "CHAIN_DOWNLOAD_EXECUTE"));
    hits_free(h);
    scores_free(s);
}

static void test_one_capability_tags(void **state)
{
    (void)state;
    SCORES *s = load_conf();
    HITS *h = hits_new();
    hits_add(h, "SCRIPT_PROCESS_LAUNCH", "2/build.cmd", NULL);
    hits_add(h, "SCRIPT_HIDDEN_WINDOW", "2/build.cmd", NULL);
    hits_add(h, "PS_EXEC_POLICY_BYPASS", "2/build.cmd", NULL);
    hits_add(h, "URL_IP_LITERAL", "1", NULL); /* not content: untouched */
    double total = score_message(s, h, &plain);
    assert_true(total == 4 + 3);
    assert_true(weight_of(h, "SCRIPT_PROCESS_LAUNCH") == 3);
    assert_true(weight_of(h, "SCRIPT_HIDDEN_WINDOW") == 1);
    assert_true(weight_of(h, "PS_EXEC_POLICY_BYPASS") == 0);
    hits_free(h);
    scores_free(s);
}

/* mention_all_but_3 - parts 1 and 2 are text bodies, 3 an attachment */
static bool mention_all_but_3(const char *loc, void *arg)
{
    (void)arg;
    return loc[0] != '3';
}

static void test_mentions_weigh_little(void **state)
{
    (void)state;
    SCORES *s = load_conf();
    SCORE_CTX ctx = plain;
    ctx.mention = mention_all_but_3;
    HITS *h = hits_new();
    hits_add(h, "SCRIPT_DOWNLOAD", "1", "quoted in a newsletter");
    hits_add(h, "SCRIPT_PROCESS_LAUNCH", "1", NULL);
    hits_add(h, "SCRIPT_INMEMORY_LOAD", "1", NULL);
    hits_add(h, "YARA_Fileless_Mshta_Javascript_Launcher", "1", NULL)->has_preset = true;
    hits_add(h, "CLAMAV_Win.Trojan.Agent-1", "1", NULL); /* official: bytes matched */
    double total = score_message(s, h, &ctx);
    assert_null(hit_of(h, "CHAIN_DOWNLOAD_EXECUTE"));
    assert_true(total == 1 + 20);
    assert_int_equal(score_forced(s, h), 3); /* its hard verdict stands */
    hits_free(h);
    /* a lure in the same text makes the quoted command a delivery */
    h = hits_new();
    hits_add(h, "SCRIPT_DOWNLOAD", "2", NULL);
    hits_add(h, "SCRIPT_PROCESS_LAUNCH", "2", NULL);
    hits_add(h, "LURE_RUN_DIALOG", "2", "press Win+R, paste");
    total = score_message(s, h, &ctx);
    assert_non_null(hit_of(h, "CHAIN_DOWNLOAD_EXECUTE"));
    assert_non_null(hit_of(h, "CHAIN_LURE_COMMAND"));
    assert_true(total == 4 + 3 + 4 + 8 + 10);
    hits_free(h);
    /* the same content in a runnable attachment chains */
    h = hits_new();
    hits_add(h, "SCRIPT_DOWNLOAD", "3/a.ps1", NULL);
    hits_add(h, "SCRIPT_INMEMORY_LOAD", "3/a.ps1", NULL);
    score_message(s, h, &ctx);
    assert_non_null(hit_of(h, "CHAIN_IN_MEMORY_DOWNLOAD"));
    hits_free(h);
    scores_free(s);
}

static void test_names_one_fact(void **state)
{
    (void)state;
    SCORES *s = load_conf();
    HITS *h = hits_new();
    hits_add(h, "FILE_DANGEROUS_EXT", "2/lib.zip>jquery.js", NULL);
    hits_add(h, "ARCHIVE_SCRIPT", "2/lib.zip", NULL);
    hits_add(h, "FILE_DANGEROUS_EXT", "3/tools.zip>build.cmd", NULL);
    assert_true(score_message(s, h, &plain) == 5);
    SCORE_CTX block = plain;
    block.block_extensions = true;
    assert_true(score_message(s, h, &block) == 10 + 5); /* per-symbol cap 10 for the ext */
    hits_free(h);
    /* with content that agrees a name reaches quarantine */
    h = hits_new();
    hits_add(h, "FILE_DANGEROUS_EXT", "2/x.zip>a.js", NULL);
    hits_add(h, "ARCHIVE_SCRIPT", "2/x.zip", NULL);
    hits_add(h, "SCRIPT_DOWNLOAD", "2/x.zip>a.js", NULL);
    hits_add(h, "SCRIPT_PROCESS_LAUNCH", "2/x.zip>a.js", NULL);
    assert_true(score_message(s, h, &plain) == 5 + 4 + 3 + 8);
    hits_free(h);
    scores_free(s);
}

static void test_context_of_parts(void **state)
{
    (void)state;
    PARTS *p = parts_new();
    PART *body = parts_add(p, "1");
    body->content_type = strdup("text/plain");
    PART *notes = parts_add(p, "2");
    notes->content_type = strdup("application/octet-stream");
    notes->filename = strdup("handover.TXT");
    PART *zip = parts_add(p, "3");
    zip->content_type = strdup("application/zip");
    zip->filename = strdup("a.zip");
    PART *html = parts_add(p, "4");
    html->content_type = strdup("text/html");
    html->filename = strdup("invoice.html");
    assert_true(context_mention(p, "1"));
    assert_true(context_mention(p, "1>decoded:b64"));
    assert_true(context_mention(p, "2/handover.TXT"));
    assert_false(context_mention(p, "3/a.zip"));
    assert_false(context_mention(p, "3/a.zip>run.js"));
    assert_true(context_mention(p, "3/a.zip>docs/readme.md>decoded:concat"));
    assert_true(context_mention(p, "3/a.zip[pw]>notes.txt[pw]"));
    assert_false(context_mention(p, "3/a.zip>notes.txt>(tar)>x.js"));
    /* a web page's prose is a mention; its scripts (decoded:script) and what the emulator
     * saw them do are deliveries */
    assert_true(context_mention(p, "4/invoice.html"));
    assert_false(context_mention(p, "4/invoice.html>decoded:script"));
    assert_false(context_mention(p, "4/invoice.html>decoded:script>decoded:eval"));
    assert_false(context_mention(p, "4/invoice.html>emu:msSaveOrOpenBlob"));
    assert_false(context_mention(p, "9/unknown"));
    assert_false(context_mention(p, "message"));
    assert_true(context_mention_name("data.csv"));
    assert_false(context_mention_name("data.csv.js"));
    parts_free(p);
}

/* the shipped rules: every chain symbol parses and a Kovter-like dropper chains */
static void test_shipped_rules(void **state)
{
    (void)state;
    BUF *err = buf_new(64);
    SCORES *s = scores_load("rules/scoring.conf", err);
    assert_non_null(s);
    const char *chains[] = {
        "CHAIN_DOWNLOAD_EXECUTE", "CHAIN_DECODE_EXECUTE",     "CHAIN_REGISTRY_PAYLOAD_AUTOSTART",
        "CHAIN_PERSIST_EXECUTE",  "CHAIN_IN_MEMORY_DOWNLOAD", "CHAIN_AUTOEXEC_ACTION",
        "CHAIN_LURE_COMMAND"};
    for (size_t i = 0; i < sizeof(chains) / sizeof(*chains); i++) {
        const SCORE_ENTRY *e = scores_find(s, chains[i]);
        assert_non_null(e);
        assert_true(e->nneed >= 2);
    }
    SCORE_CTX ctx = plain;
    HITS *h = hits_new();
    hits_add(h, "REG_WRITE", "2/a.zip>x.js", NULL);
    hits_add(h, "REG_ENCODED_VALUE", "2/a.zip>x.js", NULL);
    hits_add(h, "REG_RUN_KEY_WRITE", "2/a.zip>x.js", NULL);
    double total = score_message(s, h, &ctx);
    assert_non_null(hit_of(h, "CHAIN_REGISTRY_PAYLOAD_AUTOSTART"));
    assert_true(total >= 10);
    hits_free(h);
    /* a macro that runs on open and starts a program: at least quarantine (mraptor) */
    h = hits_new();
    hits_add(h, "VBA_AUTOEXEC", "2/a.doc>vba:m", NULL);
    hits_add(h, "VBA_AUTOEXEC_WRITE", "2/a.doc>vba:m", NULL);
    assert_true(score_message(s, h, &ctx) >= 10);
    hits_free(h);
    /* a single keyword of an admin script tags at most */
    h = hits_new();
    hits_add(h, "SCRIPT_INMEMORY_LOAD", "2/pkg.ps1", NULL);
    hits_add(h, "FILE_DANGEROUS_EXT", "2/pkg.ps1", NULL);
    assert_true(score_message(s, h, &ctx) < 10);
    hits_free(h);
    /* an admin script that starts a program hidden with the execution policy bypassed is
       no evasive action; AMSI tampering with the same launch is */
    h = hits_new();
    hits_add(h, "SCRIPT_PROCESS_LAUNCH", "2/inventory.ps1", NULL);
    hits_add(h, "SCRIPT_HIDDEN_WINDOW", "2/inventory.ps1", NULL);
    hits_add(h, "PS_EXEC_POLICY_BYPASS", "2/inventory.ps1", NULL);
    hits_add(h, "FILE_DANGEROUS_EXT", "2/inventory.ps1", NULL);
    assert_true(score_message(s, h, &ctx) < 10);
    assert_null(hit_of(h, "CHAIN_EVASIVE_ACTION"));
    hits_free(h);
    h = hits_new();
    hits_add(h, "SCRIPT_PROCESS_LAUNCH", "2/x.ps1", NULL);
    hits_add(h, "PS_AMSI_BYPASS", "2/x.ps1", NULL);
    assert_true(score_message(s, h, &ctx) >= 10);
    assert_non_null(hit_of(h, "CHAIN_EVASIVE_ACTION"));
    hits_free(h);
    scores_free(s);
    buf_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_chain_and_group),
        cmocka_unit_test(test_chain_fires_per_attachment),
        cmocka_unit_test(test_one_capability_tags),
        cmocka_unit_test(test_mentions_weigh_little),
        cmocka_unit_test(test_names_one_fact),
        cmocka_unit_test(test_context_of_parts),
        cmocka_unit_test(test_shipped_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
