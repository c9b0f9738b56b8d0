/*
 * lure - ClickFix and fake CAPTCHA instructions (see lure.h)
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "heur/lure.h"
#include "lib/xalloc.h"

/* lure_normalize - tags and entities out, lower case, one blank, none around '+' */
size_t lure_normalize(const unsigned char *p, size_t n, char *out, size_t max)
{
    size_t o = 0;
    bool blank = true;
    for (size_t i = 0; i < n && o + 1 < max; i++) {
        unsigned char ch = p[i];
        if (ch == '<') { /* a tag is a blank */
            while (i < n && p[i] != '>')
                i++;
            ch = ' ';
        } else if (ch == '&') { /* an entity (&nbsp; &#43;) is a blank, &plus; a plus */
            size_t j = i + 1;
            while (j < n && j < i + 10 && p[j] != ';' && !isspace(p[j]))
                j++;
            if (j < n && p[j] == ';') {
                bool plus = (j - i == 5 && strncmp((const char *)p + i, "&plus", 5) == 0) ||
                            (j - i == 4 && strncmp((const char *)p + i, "&#43", 4) == 0);
                ch = plus ? '+' : ' ';
                i = j;
            }
        }
        if (isspace(ch) || ch == 0) {
            if (!blank)
                out[o++] = ' ';
            blank = true;
            continue;
        }
        if (ch == '+' && o > 0 && out[o - 1] == ' ')
            o--;
        out[o++] = (char)tolower(ch);
        blank = ch == '+'; /* drops the blank after a plus */
    }
    out[o] = 0;
    return o;
}

/* any_of - the first of words found in t, or NULL */
static const char *any_of(const char *t, const char *const *words)
{
    for (int i = 0; words[i]; i++)
        if (strstr(t, words[i]))
            return words[i];
    return NULL;
}

static const char *const run_box[] = {"win+r",
                                      "windows+r",
                                      "windows key+r",
                                      "windows logo key+r",
                                      "win key+r",
                                      "winkey+r",
                                      "⊞+r",
                                      "win+x",
                                      "windows+x",
                                      "windows key+x",
                                      "run dialog",
                                      "run box",
                                      "run window",
                                      "open powershell",
                                      "open windows powershell",
                                      "open the terminal",
                                      "open terminal",
                                      "open windows terminal",
                                      "open a terminal",
                                      "cmd+space",
                                      "open command prompt",
                                      "open the command prompt",
                                      NULL};
static const char *const paste[] = {"ctrl+v", "control+v", "cmd+v", "⌘+v", "paste", NULL};
static const char *const captcha[] = {"verify you are human",    "verify you're human",
                                      "i'm not a robot",         "i am not a robot",
                                      "i’m not a robot",         "human verification",
                                      "verification steps",      "captcha",
                                      "cloudflare verification", NULL};
static const char *const clipboard[] = {"clipboard.writetext", "execcommand(\"copy\")",
                                        "execcommand('copy')", "setdata(\"text", NULL};
static const char *const command[] = {"powershell",
                                      "pwsh",
                                      "mshta",
                                      "cmd /c",
                                      "cmd.exe",
                                      "curl ",
                                      "curl.exe",
                                      "msiexec",
                                      "rundll32",
                                      "wscript",
                                      "cscript",
                                      "bitsadmin",
                                      "certutil",
                                      "regsvr32",
                                      "iex",
                                      "iwr ",
                                      "invoke-webrequest",
                                      "invoke-expression",
                                      "osascript",
                                      "| bash",
                                      "|bash",
                                      "| sh",
                                      NULL};
/* reporting vocabulary: text about lures, not a lure, when it uses REPORT_TERMS of these
 * (one word alone, such as a fake CAPTCHA's "protects you from scams", is not a report) */
static const char *const report[] = {
    "clickfix",  "click fix", "threat actor", "attackers",
    "attacker ", "victims",   "campaign",     "indicators of compromise",
    "hxxp",      "[.]",       "malware",      "threat intel",
    "criminal",  "phishing",  "scam",         NULL};

#define REPORT_TERMS 2

/* count_of - how many different words of the list t contains (stops at max) */
static int count_of(const char *t, const char *const *words, int max)
{
    int k = 0;
    for (int i = 0; words[i] && k < max; i++)
        if (strstr(t, words[i]))
            k++;
    return k;
}

/* heur_lure - see lure.h */
void heur_lure(HEUR_CTX *c, const unsigned char *p, size_t n)
{
    if (n > LURE_WINDOW)
        n = LURE_WINDOW;
    char *t = xmalloc(n + 1);
    lure_normalize(p, n, t, n + 1);
    const char *rb = any_of(t, run_box);
    const char *pa = any_of(t, paste);
    const char *ca = any_of(t, captcha);
    const char *cl = any_of(t, clipboard);
    const char *cmd = any_of(t, command);
    bool lure = false;
    if (count_of(t, report, REPORT_TERMS) < REPORT_TERMS) {
        if (rb && pa) {
            hits_add(c->hits, "LURE_RUN_COMMAND", c->location, "'%s' then '%s'", rb, pa);
            lure = true;
        }
        if (ca && (rb || pa || cl)) {
            hits_add(c->hits, "LURE_FAKE_CAPTCHA", c->location, "'%s' with '%s'", ca,
                     rb   ? rb
                     : pa ? pa
                          : cl);
            lure = true;
        }
        if (lure && cmd)
            hits_add(c->hits, "LURE_PASTED_COMMAND", c->location, "the lure hands over '%s'", cmd);
    }
    free(t);
}
