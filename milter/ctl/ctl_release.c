/*
 * ctl/ctl_release - item operations shared by `fileless-ctl quarantine` and the review page:
 * release, delete, rescan (see ctl.h)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache/cache.h"
#include "analyse.h"
#include "ctl/ctl.h"
#include "msg.h"
#include "store/quarantine.h"
#include "ctl/qview.h"
#include "store/release.h"
#include "ctl/smtp.h"
#include "lib/str.h"
#include "lib/xalloc.h"

/* ctl_store - quarantine_dir, or NULL after saying why */
const char *ctl_store(const CTL *ctl)
{
    if (ctl->cfg->quarantine_dir[0])
        return ctl->cfg->quarantine_dir;
    fprintf(stderr,
            "fileless-ctl: no quarantine_dir in %s: the quarantine is the MTA's hold "
            "queue (postqueue, postsuper -H)\n",
            ctl->config_path);
    return NULL;
}

/* sane - a sanitized copy of sender text for the audit log (caller frees) */
static char *sane(const char *s)
{
    return str_sanitize_dup(s ? s : "", 200);
}

/* audit - one audit line for an operation's outcome */
static void audit(const CTL *ctl, const char *who, const char *action, const char *id,
                  const char *extra, int rc, const BUF *err)
{
    char *x = sane(extra);
    char *e = sane(rc ? err->data : "");
    char *i = sane(id);
    quarantine_audit(ctl->cfg, who, "action=%s id=%s%s%s result=%s%s", action, i, *x ? " " : "", x,
                     rc ? "failed: " : "ok", e);
    free(x);
    free(e);
    free(i);
}

/* deliver - send one item with a fresh release header; 0 or -1 */
static int deliver(const CTL *ctl, const QMETA *m, const char *to, int64_t t, BUF *err)
{
    const CONFIG *c = ctl->cfg;
    size_t len = 0;
    char *raw = quarantine_raw(c->quarantine_dir, m->ref, &len, err);
    if (raw == NULL)
        return -1;
    int rc = -1;
    char *one[1] = {(char *)to};
    char *value = to ? release_header_value(c, m->ref, t, raw, len, one, 1, err)
                     : release_header_value(c, m->ref, t, raw, len, m->rcpt, m->nrcpt, err);
    if (value) {
        char *head = xasprintf("%s-Release: %s\r\n", c->header_prefix, value);
        rc = to ? smtp_send(c->release_relay, m->from, one, 1, head, raw, len, err)
                : smtp_send(c->release_relay, m->from, m->rcpt, m->nrcpt, head, raw, len, err);
        free(head);
    }
    free(value);
    free(raw);
    return rc;
}

/* joined - the recipients, comma-separated (caller frees) */
static char *joined(const QMETA *m)
{
    BUF *b = buf_new(128);
    for (size_t i = 0; i < m->nrcpt; i++)
        buf_printf(b, "%s%s", i ? "," : "", m->rcpt[i]);
    char *r = buf_steal(b, NULL);
    buf_free(b);
    return r;
}

/* release_locked - the release itself, under the store lock */
static int release_locked(CTL *ctl, const char *id, const char *to, bool force, const char *who,
                          char ref[17], BUF *msg, BUF *err)
{
    const char *dir = ctl->cfg->quarantine_dir;
    QMETA *m = quarantine_load(dir, id, err);
    if (m == NULL)
        return -1;
    memcpy(ref, m->ref, 17);
    int rc = -1;
    char when[32];
    if (m->released && !force) {
        BUF *by = buf_new(64);
        str_sanitize(by, qmeta_str(m->released_by), strlen(qmeta_str(m->released_by)), 64);
        buf_printf(err, "%s was already released on %s UTC by %s (use --force to send it again)",
                   m->ref, qview_time(m->released, when), by->data);
        buf_free(by);
        goto out;
    }
    if (to == NULL && m->nrcpt == 0) {
        buf_printf(err, "%s has no recipients: give --to ADDR", m->ref);
        goto out;
    }
    int64_t t = (int64_t)time(NULL);
    if (deliver(ctl, m, to, t, err) != 0)
        goto out;
    m->released = t;
    m->releases++;
    free(m->released_by);
    free(m->released_to);
    m->released_by = xstrdup(who);
    m->released_to = to ? xstrdup(to) : joined(m);
    char *rcpts = sane(m->released_to);
    if (quarantine_update(dir, m, err) != 0) {
        buf_printf(err, " (the message WAS delivered to %s but is not marked released)", rcpts);
    } else {
        buf_printf(msg, "%s released to %s", m->ref, rcpts);
        rc = 0;
    }
    free(rcpts);
out:
    qmeta_free(m);
    return rc;
}

/* ctl_release_item - release one item (see ctl.h) */
int ctl_release_item(CTL *ctl, const char *id, const char *to, bool force, const char *who,
                     BUF *msg, BUF *err)
{
    const char *dir = ctl->cfg->quarantine_dir;
    if (to && !smtp_addr_ok(to)) {
        buf_puts(err, "--to: not a sendable address");
        return -1;
    }
    int lock = quarantine_lock(dir, err);
    char ref[17] = "";
    int rc = lock < 0 ? -1 : release_locked(ctl, id, to, force, who, ref, msg, err);
    quarantine_unlock(lock);
    char *extra = xasprintf("to=%s%s", to ? to : "(recipients)", force ? " force=yes" : "");
    audit(ctl, who, "release", ref[0] ? ref : id, extra, rc, err);
    free(extra);
    return rc;
}

/* ctl_delete_item - remove one item (see ctl.h) */
int ctl_delete_item(CTL *ctl, const char *id, const char *who, BUF *msg, BUF *err)
{
    const char *dir = ctl->cfg->quarantine_dir;
    int lock = quarantine_lock(dir, err);
    int rc = -1;
    QMETA *m = lock < 0 ? NULL : quarantine_load(dir, id, err);
    if (m && quarantine_delete(dir, m->ref, err) == 0) {
        buf_printf(msg, "%s deleted", m->ref);
        rc = 0;
    }
    quarantine_unlock(lock);
    audit(ctl, who, "delete", m ? m->ref : id, "", rc, err);
    qmeta_free(m);
    return rc;
}

/* rescan_locked - analyse the stored message with the current rules; update the metadata */
static int rescan_locked(CTL *ctl, QMETA *m, BUF *msg, BUF *err)
{
    RULESET *rs = ctl_ruleset(ctl);
    const char *dir = rs->cfg->quarantine_dir;
    size_t len = 0;
    char *raw = quarantine_raw(dir, m->ref, &len, err);
    if (raw == NULL)
        return -1;
    mime_init();
    MSG *x = msg_new(m->ref);
    analyse_message(x, raw, len, rs, cache_default());
    char *before = xasprintf("%s %.2f", qmeta_str(m->verdict), m->score);
    free(m->verdict);
    free(m->ruleset);
    m->verdict = xstrdup(verdict_name(x->verdict));
    m->ruleset = xstrdup(rs->id);
    m->score = x->score;
    m->rescanned = (int64_t)time(NULL);
    qmeta_clear_hits(m);
    for (size_t i = 0; i < x->hits->n; i++)
        qmeta_add_hit(m, x->hits->v[i].symbol, x->hits->v[i].weight, x->hits->v[i].location,
                      x->hits->v[i].detail);
    int rc = quarantine_update(dir, m, err);
    if (rc == 0)
        buf_printf(msg, "%s rescanned: %s -> %s %.2f (rules %s)", m->ref, before, m->verdict,
                   m->score, rs->id);
    free(before);
    msg_free(x);
    free(raw);
    return rc;
}

/* ctl_rescan_item - re-run the current rules over one item (see ctl.h) */
int ctl_rescan_item(CTL *ctl, const char *id, const char *who, BUF *msg, BUF *err)
{
    ctl_ruleset(ctl);
    const char *dir = ctl->cfg->quarantine_dir;
    int lock = quarantine_lock(dir, err);
    int rc = -1;
    QMETA *m = lock < 0 ? NULL : quarantine_load(dir, id, err);
    if (m)
        rc = rescan_locked(ctl, m, msg, err);
    quarantine_unlock(lock);
    char *extra =
        m && rc == 0 ? xasprintf("verdict=%s score=%.2f", m->verdict, m->score) : xstrdup("");
    audit(ctl, who, "rescan", m ? m->ref : id, extra, rc, err);
    free(extra);
    qmeta_free(m);
    return rc;
}
