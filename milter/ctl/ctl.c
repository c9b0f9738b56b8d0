/*
 * ctl/ctl - fileless-ctl's main: global options, config, command dispatch (see ctl/ctl.h)
 *
 *   fileless-ctl [-c CONFIG] quarantine list|show|release|delete|purge|rescan ...
 *   fileless-ctl [-c CONFIG] ioc import|list|remove ...
 *   fileless-ctl [-c CONFIG] cache stats|flush ...
 *   fileless-ctl [-c CONFIG] where SHA256
 *   fileless-ctl [-c CONFIG] web [--listen ADDR:PORT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"
#include "core/log.h"

typedef struct CTL_CMD {
    const char *name;
    int (*run)(CTL *ctl, int argc, char **argv);
    const char *synopsis;
} CTL_CMD;

static const CTL_CMD commands[] = {
    {"quarantine", ctl_quarantine,
     "list|show|release|delete|purge|rescan ...  review the quarantine"},
    {"ioc", ctl_ioc, "import|list|remove ...  known-bad hashes"},
    {"cache", ctl_cache, "stats|flush [--ruleset ID]  the verdict cache"},
    {"where", ctl_where, "HASH  which messages carried an attachment"},
    {"web", ctl_web, "[--listen ADDR:PORT]  serve the quarantine review page"},
};
#define NCMDS (sizeof(commands) / sizeof(commands[0]))

/* usage - the synopsis of every command */
static int usage(FILE *out, int status)
{
    fprintf(out, "usage: fileless-ctl [-c CONFIG] COMMAND [ARGS...]\n");
    for (size_t i = 0; i < NCMDS; i++)
        fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].synopsis);
    fprintf(out, "CONFIG defaults to ./milter.conf, then /etc/fileless-milter/milter.conf\n");
    return status;
}

/* ctl_ruleset - the rules snapshot, built on first use; exits 1 on a rules error */
RULESET *ctl_ruleset(CTL *ctl)
{
    if (ctl->rs)
        return ctl->rs;
    BUF *err = buf_new(256);
    if (ruleset_init_libraries(err) != 0) {
        fprintf(stderr, "fileless-ctl: %s\n", err->data);
        exit(1);
    }
    ctl->rs = ruleset_load(ctl->cfg, err);
    ctl->cfg = NULL; /* owned by the ruleset now (or freed by the failed load) */
    if (ctl->rs == NULL) {
        fprintf(stderr, "fileless-ctl: rules: %s\n", err->data);
        exit(1);
    }
    ctl->cfg = ctl->rs->cfg;
    buf_free(err);
    return ctl->rs;
}

int main(int argc, char **argv)
{
    CTL ctl = {0};
    int i = 1;
    const char *path = NULL;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
            path = argv[++i];
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return usage(stdout, 0);
        else
            return usage(stderr, 2);
    }
    if (i >= argc)
        return usage(stderr, 2);
    const CTL_CMD *cmd = NULL;
    for (size_t k = 0; k < NCMDS; k++)
        if (strcmp(argv[i], commands[k].name) == 0)
            cmd = &commands[k];
    if (cmd == NULL) {
        fprintf(stderr, "fileless-ctl: unknown command '%s'\n", argv[i]);
        return usage(stderr, 2);
    }
    log_open("fileless-ctl", true, 0);
    ctl.config_path = path ? path : config_default_path();
    ctl.cfg = config_new();
    BUF *err = buf_new(256);
    if (config_load(ctl.cfg, ctl.config_path, err) != 0) {
        fprintf(stderr, "fileless-ctl: %s\n", err->data);
        return 1;
    }
    buf_free(err);
    log_set_level(ctl.cfg->log_level);
    int rc = cmd->run(&ctl, argc - i, argv + i);
    if (ctl.rs)
        ruleset_free(ctl.rs);
    else
        config_free(ctl.cfg);
    return rc;
}
