/*
 * heur/url - URL heuristics over the message's URL set
 *
 * SYNOPSIS
 *   void heur_url(HEUR_CTX *c, const URLSET *urls);
 *
 * DESCRIPTION
 *   heur_url, over the message's URLs (each reported at its first `found` place): links
 *   to script/executable/archive downloads, IP-literal hosts (URL_F_IP,
 *   URL_F_IP_OBFUSCATED), punycode or mixed-script hosts, display text naming another
 *   domain than the href, dangerous schemes (data:, javascript:, vbscript:, search-ms:,
 *   ms-msdt:, file:, ms-officecmd ...), userinfo tricks, shorteners and block-listed
 *   domains; allow-listed domains are skipped. NULL c, c->hits or urls: nothing.
 */
#ifndef FM_HEUR_URL_H
#define FM_HEUR_URL_H

#include "heur/heur.h"
#include "mime/url.h"

void heur_url(HEUR_CTX *c, const URLSET *urls);

#endif
