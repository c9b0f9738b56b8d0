/*
 * policy/action - the decided action as MTA operations, and their application
 * (see policy/action.h; the decision itself is policy/verdict.c)
 *
 * Pure apart from action_apply, which only calls through MTA_OPS and logs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/action.h"
#include "core/log.h"
#include "lib/str.h"
#include "lib/xalloc.h"

/* action_name - the log and header token of an action */
const char *action_name(int act)
{
    static const char *const names[] = {"accept",     "tag",    "tempfail",
                                        "quarantine", "reject", "discard"};
    return act >= 0 && act <= ACT_DISCARD_TOKEN ? names[act] : "?";
}

/* add_op - append one operation; strings are copied. Header values get the leading space
 * the MTA expects when SMFIP_HDR_LEADSPC was negotiated (it then writes "Name:" + value). */
static void add_op(ACT_PLAN *p, ACT_KIND kind, const char *name, int index, const char *value,
                   const char *xcode)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
    }
    char *v = NULL;
    if (value && p->leadspc && (kind == ACT_ADDHDR || kind == ACT_INSHDR || kind == ACT_CHGHDR))
        v = xasprintf(" %s", value);
    else if (value)
        v = xstrdup(value);
    p->v[p->n++] = (ACT_OP){.kind = kind,
                            .name = name ? xstrdup(name) : NULL,
                            .index = index,
                            .value = v,
                            .xcode = xcode ? xstrdup(xcode) : NULL};
}

/* hdr_name - PREFIX-suffix (caller frees) */
static char *hdr_name(const ACT_INPUT *in, const char *suffix)
{
    return xasprintf("%s-%s", in->cfg->header_prefix, suffix);
}

/* verdict_value - the PREFIX-Verdict value (caller frees) */
static char *verdict_value(const ACT_INPUT *in, const ACT_PLAN *p, int natural)
{
    BUF *b = buf_new(128);
    buf_printf(b, "%s; score=%.2f; ref=%s; rules=%s", verdict_name(in->verdict), in->score, in->ref,
               in->ruleset_id);
    if (in->cfg->mode == CFG_MODE_TAG_ONLY)
        buf_printf(b, "; mode=tag-only; would=%s", action_name(p->would));
    else if (p->action != natural)
        buf_printf(b, "; action=%s", action_name(p->action));
    if (in->released)
        buf_printf(b, "; released=%s", in->released);
    if (in->policy && strcmp(in->policy, "default") != 0)
        buf_printf(b, "; policy=%s", in->policy);
    char *r = buf_steal(b, NULL);
    buf_free(b);
    return r;
}

/* by_weight - qsort order for hit pointers: heavier first, then insertion order */
static int by_weight(const void *a, const void *b)
{
    const HIT *x = *(const HIT *const *)a;
    const HIT *y = *(const HIT *const *)b;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* report_value - the top hits as "SYMBOL=weight@location, ...", folded, bounded */
static char *report_value(const HITS *hits)
{
    BUF *b = buf_new(256);
    BUF *item = buf_new(128);
    size_t n = hits ? hits->n : 0;
    size_t line = 0;
    size_t shown = 0;
    const HIT **v = xcalloc(n ? n : 1, sizeof(*v));
    for (size_t i = 0; i < n; i++)
        v[i] = &hits->v[i];
    qsort(v, n, sizeof(*v), by_weight);
    for (size_t i = 0; i < n && shown < ACT_REPORT_TOP && v[i]->weight > 0; i++) {
        buf_reset(item);
        buf_printf(item, "%s=%.1f@", v[i]->symbol, v[i]->weight);
        str_sanitize(item, v[i]->location, strlen(v[i]->location), 120);
        if (b->len + item->len + 4 > ACT_REPORT_MAX)
            break;
        if (shown && line + item->len > 70) {
            buf_puts(b, ",\n\t");
            line = 0;
        } else if (shown) {
            buf_puts(b, ", ");
        }
        buf_cat(b, item->data, item->len);
        line += item->len + 2;
        shown++;
    }
    if (shown == 0)
        buf_puts(b, "none");
    free(v);
    buf_free(item);
    char *r = buf_steal(b, NULL);
    buf_free(b);
    return r;
}

/* reply_text - a reply template with its one %s replaced by the ref and each literal \n
 * turned into a line break (a multi-line reply; caller frees) */
static char *reply_text(const char *tmpl, const char *ref)
{
    BUF *b = buf_new(strlen(tmpl) + 32);
    for (const char *p = tmpl; *p; p++) {
        if (p[0] == '%' && p[1] == 's') {
            buf_puts(b, ref);
            p++;
        } else if (p[0] == '\\' && p[1] == 'n') {
            buf_putc(b, '\n');
            p++;
        } else {
            buf_putc(b, *p);
        }
    }
    char *r = buf_steal(b, NULL);
    buf_free(b);
    return r;
}

/* plan_delivery - headers, subject tag and quarantine of a delivered message */
static void plan_delivery(ACT_PLAN *p, const ACT_INPUT *in, int natural)
{
    const CONFIG *c = in->cfg;
    char *name = hdr_name(in, "Verdict");
    char *value = verdict_value(in, p, natural);
    add_op(p, ACT_INSHDR, name, 0, value, NULL); /* first: above every inbound header */
    free(name);
    free(value);
    name = hdr_name(in, "Report");
    value = report_value(in->hits);
    add_op(p, ACT_INSHDR, name, 1, value, NULL);
    free(name);
    free(value);
    bool tagged = p->action == CFG_POL_TAG || p->action == CFG_POL_QUARANTINE ||
                  (c->mode == CFG_MODE_TAG_ONLY && p->would != CFG_POL_ACCEPT);
    if (tagged && c->subject_tag[0]) {
        value = xasprintf("%s %s", c->subject_tag, in->subject ? in->subject : "");
        if (in->subject)
            add_op(p, ACT_CHGHDR, "Subject", 1, value, NULL);
        else
            add_op(p, ACT_ADDHDR, "Subject", 0, value, NULL);
        free(value);
    }
    if (p->action == CFG_POL_QUARANTINE) {
        value = xasprintf("fileless-milter: score=%.2f ref=%s", in->score, in->ref);
        add_op(p, ACT_QUARANTINE, NULL, 0, value, NULL);
        free(value);
    }
}

/* action_plan - the ordered operations for one message (see action.h) */
ACT_PLAN *action_plan(const ACT_INPUT *in)
{
    const CONFIG *c = in->cfg;
    ACT_PLAN *p = xcalloc(1, sizeof(*p));
    VERDICT_IN vi = {.verdict = in->verdict,
                     .errs = in->errs,
                     .released = in->released != NULL,
                     .store = in->store,
                     .on_verdict = in->on_verdict};
    VERDICT_ACTION va = verdict_action(c, &vi);
    p->status = ACT_ACCEPT;
    p->action = va.action;
    p->would = va.would;
    p->store = va.store;
    p->would_store = va.would_store;
    p->leadspc = in->leadspc;
    for (size_t i = 0; i < in->ndelrcpt; i++) /* also in mode off: another policy's */
        add_op(p, ACT_DELRCPT, NULL, 0, in->delrcpt[i], NULL);
    if (!va.plan)
        return p;
    for (size_t i = in->ninbound; i-- > 0;)
        add_op(p, ACT_DELHDR, in->inbound[i].name, in->inbound[i].index, NULL, NULL);
    if (in->spoofed_over) { /* they cannot all be removed: refuse (see action.h) */
        char *text = xasprintf("message refused: %zu %s-* headers (ref %s)", in->spoofed_over,
                               c->header_prefix, in->ref);
        add_op(p, ACT_REPLY, "550", 0, text, "5.7.1");
        free(text);
        p->status = ACT_REJECT;
        p->action = p->would = CFG_POL_REJECT;
        p->store = false;
        return p;
    }
    char *text = NULL;
    switch (p->action) {
    case CFG_POL_REJECT:
        text = reply_text(c->reject_text, in->ref);
        add_op(p, ACT_REPLY, "550", 0, text, "5.7.1");
        p->status = ACT_REJECT;
        break;
    case CFG_POL_TEMPFAIL:
        text = reply_text(c->tempfail_text, in->ref);
        add_op(p, ACT_REPLY, "451", 0, text, "4.7.1");
        p->status = ACT_TEMPFAIL;
        break;
    case ACT_DISCARD_TOKEN:
        p->status = ACT_DISCARD;
        break;
    default: /* the verdict's own action: the header names one a policy's on_* chose instead */
        plan_delivery(p, in, in->on_verdict ? verdict_natural(in->verdict) : va.natural);
    }
    free(text);
    return p;
}

/* action_plan_free - release a plan; returns NULL */
ACT_PLAN *action_plan_free(ACT_PLAN *p)
{
    if (p == NULL)
        return NULL;
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].name);
        free(p->v[i].value);
        free(p->v[i].xcode);
    }
    free(p->v);
    free(p);
    return NULL;
}

/* action_apply - run the plan through the MTA; the final status */
ACT_STATUS action_apply(const ACT_PLAN *p, const MTA_OPS *ops, void *ctx)
{
    ACT_STATUS st = p->status;
    for (size_t i = 0; i < p->n; i++) {
        const ACT_OP *o = &p->v[i];
        int r = 0;
        switch (o->kind) {
        case ACT_DELHDR:
            r = ops->chgheader(ctx, o->name, o->index, NULL);
            break;
        case ACT_CHGHDR:
            r = ops->chgheader(ctx, o->name, o->index, o->value);
            break;
        case ACT_ADDHDR:
            r = ops->addheader(ctx, o->name, o->value);
            break;
        case ACT_INSHDR:
            r = ops->insheader(ctx, o->index, o->name, o->value);
            break;
        case ACT_QUARANTINE:
            if ((r = ops->quarantine(ctx, o->value)) != 0)
                st = ACT_TEMPFAIL;
            break;
        case ACT_DELRCPT:
            if ((r = ops->delrcpt(ctx, o->value)) != 0)
                st = ACT_TEMPFAIL;
            break;
        case ACT_REPLY:
            if ((r = ops->setreply(ctx, o->name, o->xcode, o->value)) != 0 && st == ACT_ACCEPT)
                st = ACT_TEMPFAIL;
            break;
        }
        if (r != 0)
            log_warning("MTA operation %d on %s failed", (int)o->kind, o->name ? o->name : "-");
    }
    return st;
}
