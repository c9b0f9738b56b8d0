/*
 * chain - the message score from what the content does: capabilities per attachment, chains,
 * context (mention or delivery) and facts counted once
 *
 * SYNOPSIS
 *   double score_message(const SCORES *s, HITS *hits, const SCORE_CTX *ctx);
 *   size_t chain_key_len(const char *location);
 *   bool chain_content(const char *symbol, const SCORE_ENTRY *e);
 *
 * DESCRIPTION
 *   An attachment is a top-level part with everything below it: its layers, archive members
 *   and decoded layers. Its key is the part path, the start of a hit location up to the first
 *   `/` or `>` (`2/invoice.zip>doc.js>decoded:b64` belongs to `2`); chain_key_len gives its
 *   length. `message` (header findings) is an attachment of its own.
 *
 *   score_message weighs every hit as score_hits does (score.h), then:
 *
 *   - Context. ctx->mention(location) tells whether a hit sits where the recipient cannot run
 *     it (a text body, a .txt/.md/.csv member: policy/context.h). Content findings there (a
 *     symbol with capabilities, our own YARA rules and Fileless.* ClamAV signatures, see
 *     chain_content) and name or type facts (`^group`: a .txt holding a script is no
 *     disguise) are mentions: together they weigh at most ctx->mention_max per attachment
 *     and take no part in chains. Official ClamAV signatures and IOC hashes matched
 *     bytes and keep their weight; DDE_* findings are deliveries wherever they sit (a CSV
 *     formula runs). A hit with the LURE capability (text telling the reader to paste a
 *     command) makes its whole attachment a delivery.
 *
 *   - Chains. Every scoring.conf entry with a `=A+B|C` definition is a chain: it fires in an
 *     attachment whose delivered hits together hold at least one capability of each group. A
 *     fired chain is a hit of the chain's symbol at the attachment's root (the first hit's
 *     location up to its first `>`), weighed by its entry, with a detail that names each
 *     group's capability, symbol and place. Chain hits already in the list (from an earlier
 *     scoring) are dropped first: chains are derived, never stored.
 *
 *   - One capability tags. In an attachment where no chain fired, the content findings that
 *     are deliveries weigh together at most ctx->alone_max.
 *
 *   - One fact once. Hits of symbols that share a `^group` count once per message (the
 *     heaviest; the others weigh 0): a script name inside an archive is one fact however many
 *     name symbols describe it. With ctx->block_extensions the `name` group is summed as
 *     before (extension blocking for admins who want it).
 *
 *   The hits' weights are set and the total returned. Pure: no I/O.
 */
#ifndef FM_CHAIN_H
#define FM_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "model/hit.h"
#include "policy/score.h"

typedef struct SCORE_CTX {
    bool block_extensions; /* names and types are summed, not one fact */
    double alone_max;      /* content findings of one attachment without a chain */
    double mention_max;    /* content findings of one attachment in mention context */
    bool (*mention)(const char *location, void *arg); /* NULL: everything is a delivery */
    void *arg;
} SCORE_CTX;

double score_message(const SCORES *s, HITS *hits, const SCORE_CTX *ctx);
size_t chain_key_len(const char *location);
bool chain_content(const char *symbol, const SCORE_ENTRY *e);

#endif
