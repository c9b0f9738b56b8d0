/*
 * heur/url - URL heuristics over the message's URL set
 *
 * SYNOPSIS
 *   void heur_url(HEUR_CTX *c, const URLSET *urls);
bool heur_remote(const char *t, size_t n);
 *   bool heur_remote(const char *t, size_t n);
 *
 * DESCRIPTION
 *   heur_url, over the message's URLs (each reported at its first `found` place): links
 *   to script/executable/archive downloads, IP-literal hosts (URL_F_IP,
 *   URL_F_IP_OBFUSCATED), punycode or mixed-script hosts, display text naming another
 *   domain than the href, dangerous schemes (data:, javascript:, vbscript:, search-ms:,
 *   ms-msdt:, file:, ms-officecmd ...), userinfo tricks, shorteners and block-listed
 *   domains; allow-listed domains are skipped. NULL c, c->hits or urls: nothing.
 *   heur_remote: t[0..n) names a place off the machine: an http(s):// or ftp:// URL
 *   (case-insensitive) or a UNC path \\host (not \\?\ or \\.\) - shared by the
 *   command-line (lolbas) and Office (ooxml) analysers.
 */
#ifndef FM_HEUR_URL_H
#define FM_HEUR_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "heur/heur.h"
#include "mime/url.h"

void heur_url(HEUR_CTX *c, const URLSET *urls);
bool heur_remote(const char *t, size_t n);

#endif
