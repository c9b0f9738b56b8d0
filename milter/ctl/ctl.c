/*
 * ctl/ctl - fileless-ctl's main: global options, config, command dispatch (see ctl/ctl.h)
 *
 *   fileless-ctl [-c CONFIG] quarantine list|show|release|delete|purge|rescan ...
 *   fileless-ctl [-c CONFIG] ioc import|list|remove ...
 *   fileless-ctl [-c CONFIG] cache stats|flush ...
 *   fileless-ctl [-c CONFIG] where SHA256|URL
 *   fileless-ctl [-c CONFIG] web [--listen ADDR:PORT] | --hash-password
 *   fileless-ctl help [COMMAND], fileless-ctl COMMAND [SUBCOMMAND] --help
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "core/log.h"

typedef struct CTL_CMD {
    const char *name;
    int (*run)(CTL *ctl, int argc, char **argv);
    const char *synopsis; /* one line, for the command list */
    const char *help;     /* the command's whole usage, for `COMMAND --help` and bad usage */
} CTL_CMD;

static const CTL_CMD commands[] = {
    {"quarantine", ctl_quarantine,
     "list|show|release|delete|purge|rescan ...  review the quarantine",
     "usage: fileless-ctl quarantine list [--since WHEN] [--sender S] [--rcpt S] [--symbol SYM]\n"
     "                                   [--verdict V|released|unreleased] [--search S] [--json]\n"
     "       fileless-ctl quarantine show ID [--raw | --json]\n"
     "       fileless-ctl quarantine release ID [--to ADDR] [--force]\n"
     "       fileless-ctl quarantine release --verdict V [--force]\n"
     "       fileless-ctl quarantine delete ID\n"
     "       fileless-ctl quarantine purge [--older-than DAYS]\n"
     "       fileless-ctl quarantine rescan ID | --all\n"
     "WHEN: YYYY-MM-DD, YYYY-MM-DDTHH:MM (UTC), or 30m, 12h, 7d back from now\n"},
    {"ioc", ctl_ioc, "import|list|remove ...  known-bad hashes",
     "usage: fileless-ctl ioc import [--hunt] FILE... | list | remove HASH\n"},
    {"cache", ctl_cache, "stats|flush [--ruleset ID]  the verdict cache",
     "usage: fileless-ctl cache stats | flush [--ruleset ID|current]\n"},
    {"where", ctl_where, "HASH|URL  which messages carried an attachment or a URL",
     "usage: fileless-ctl where SHA256|SHA1|MD5|URL\n"},
    {"web", ctl_web, "[--listen ADDR:PORT]  serve the quarantine review page",
     "usage: fileless-ctl web [--listen ADDR:PORT] | --hash-password\n"
     "  --hash-password reads a password on standard input and prints its hash for web_users\n"
     "  (no configuration file needed)\n"},
};
#define NCMDS (sizeof(commands) / sizeof(commands[0]))

/* usage - the synopsis of every command */
static int usage(FILE *out, int status)
{
    fprintf(out, "usage: fileless-ctl [-c CONFIG] COMMAND [ARGS...]\n");
    for (size_t i = 0; i < NCMDS; i++)
        fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].synopsis);
    fprintf(out, "CONFIG defaults to ./milter.conf, then /etc/fileless-milter/milter.conf\n"
                 "`fileless-ctl COMMAND --help` shows a command's options\n");
    return status;
}

/* find_command - the table entry of a command name, or NULL */
static const CTL_CMD *find_command(const char *name)
{
    for (size_t k = 0; k < NCMDS; k++)
        if (strcmp(name, commands[k].name) == 0)
            return &commands[k];
    return NULL;
}

/* ctl_usage - a command's whole usage on out; returns status (see ctl.h) */
int ctl_usage(const char *command, FILE *out, int status)
{
    const CTL_CMD *cmd = find_command(command);
    if (cmd == NULL)
        return usage(out, status);
    fputs(cmd->help, out);
    return status;
}

/* wants_help - -h or --help among a command's arguments (before a `--`) */
static bool wants_help(int argc, char **argv)
{
    for (int k = 1; k < argc && strcmp(argv[k], "--") != 0; k++)
        if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0)
            return true;
    return false;
}

/* config_optional - commands that run on the built-in defaults when no config file exists
 * (hashing a password for web_users is done before there is a config to put it in) */
static bool config_optional(const CTL_CMD *cmd, int argc, char **argv)
{
    if (strcmp(cmd->name, "web") != 0)
        return false;
    for (int k = 1; k < argc; k++)
        if (strcmp(argv[k], "--hash-password") == 0)
            return true;
    return false;
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
    if (strcmp(argv[i], "help") == 0)
        return i + 1 < argc ? ctl_usage(argv[i + 1], stdout, 0) : usage(stdout, 0);
    const CTL_CMD *cmd = find_command(argv[i]);
    if (cmd == NULL) {
        fprintf(stderr, "fileless-ctl: unknown command '%s'\n", argv[i]);
        return usage(stderr, 2);
    }
    if (wants_help(argc - i, argv + i))
        return ctl_usage(cmd->name, stdout, 0);
    log_open("fileless-ctl", true, 0);
    ctl.config_path = path ? path : config_default_path();
    ctl.cfg = config_new();
    BUF *err = buf_new(256);
    bool optional = path == NULL && config_optional(cmd, argc - i, argv + i) &&
                    access(ctl.config_path, F_OK) != 0;
    if (!optional && config_load(ctl.cfg, ctl.config_path, err) != 0) {
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
