/*
 * core/config_dump - the configuration table printed: milter.conf form (-d) and the key
 * reference of milter.conf(5) (--dump-man); the table itself is core/config.c
 */
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/config_int.h"

/* wrap_comment - print text as "# " lines of at most ~78 columns */
static void wrap_comment(FILE *out, const char *text, const char *prefix)
{
    const char *s = text;
    while (*s) {
        size_t n = strlen(s);
        if (n > 76) {
            n = 76;
            while (n > 0 && s[n] != ' ')
                n--;
            if (n == 0)
                n = 76;
        }
        fprintf(out, "%s%.*s\n", prefix, (int)n, s);
        s += n;
        while (*s == ' ')
            s++;
    }
}

/* config_dump - every key with doc and default, in milter.conf form (-d) */
void config_dump(FILE *out)
{
    fputs("# milter.conf - fileless-milter configuration (see milter.conf(5)).\n"
          "# Every key is listed with its default; `fileless-milter -d` prints this file.\n"
          "# Form: key = value. Sizes take K, M or G. Unknown keys are errors.\n",
          out);
    size_t nrows;
    const CFG_ROW *rows = config_rows(&nrows);
    for (size_t i = 0; i < nrows; i++) {
        const CFG_ROW *r = &rows[i];
        if (r->type == T_SECTION) {
            fprintf(out, "\n# ---- %s ----\n", r->name);
            continue;
        }
        fputc('\n', out);
        wrap_comment(out, r->doc, "# ");
        if (!r->reloadable)
            fputs("# (takes effect at restart, not on reload)\n", out);
        fprintf(out, "%s = %s\n", r->name, *r->def ? r->def : "\"\"");
    }
}

/* roff_text - text for a roff line: backslashes escaped, a leading dot or quote guarded */
static void roff_text(FILE *out, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", out);
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", out);
        else
            fputc(*s, out);
    }
}

/* config_dump_man - the key reference as roff, for milter.conf(5) */
void config_dump_man(FILE *out)
{
    size_t nrows;
    const CFG_ROW *rows = config_rows(&nrows);
    for (size_t i = 0; i < nrows; i++) {
        const CFG_ROW *r = &rows[i];
        if (r->type == T_SECTION) {
            fprintf(out, ".SS %s\n", r->name);
            continue;
        }
        fprintf(out, ".TP\n.B %s\n", r->name);
        roff_text(out, r->doc);
        fputs("\nDefault: \\fI", out);
        roff_text(out, *r->def ? r->def : "(empty)");
        fprintf(out, "\\fR.%s\n", r->reloadable ? "" : " Not changed by a reload.");
    }
}
