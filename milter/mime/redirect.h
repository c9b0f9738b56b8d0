/*
 * mime/redirect - URLs hidden in open redirects and link wrappers
 *
 * SYNOPSIS
 *   char *url_unwrap(const char *host, const char *path, const LISTS *lists);
 *   size_t url_unwrap_set(URLSET *set, size_t from, const LISTS *lists, int depth);
 *
 * DESCRIPTION
 *   url_unwrap returns the target a redirect URL (host, path = path+query+fragment as
 *   in URL) leads to, as a malloc'd http(s) URL, or NULL. In order:
 *   - urldefense.com /v3/__URL__;B64!... ('*' and '**X' runs filled from the base64url
 *     part) and urldefense.proofpoint.com /v2/url?u= ('-XX' escapes, '_' for '/');
 *   - Bing /ck/a?...&u=a1<base64url>; Google /amp/s/HOST/PATH (https:// added);
 *   - a query parameter named q, u, url, uri, redirect, redirect_uri, target, dest, goto,
 *     link, next, continue, return, to, out, r ... (any parameter on a host of
 *     rules/lists/redirectors.txt) whose value, percent-decoded up to three times or
 *     base64-decoded, starts with http:// or https://;
 *   - an http:// or https:// URL (plain or percent-encoded) embedded in the path after
 *     its first character (/r/https://target, /redir/https%3A%2F%2Ftarget).
 *
 *   url_unwrap_set unwraps the URLs set->v[from..] and adds each target at "<place>
 *   redirect" (place = where[0] less its source word), then the targets themselves, up to
 *   depth wrappers deep; returns set->n (where a later call starts). Targets count
 *   against max_urls like any URL. Work is linear in each URL's length (URL_MAX_LEN).
 */
#ifndef FM_REDIRECT_H
#define FM_REDIRECT_H

#include <stddef.h>

#include "core/lists.h"
#include "mime/url.h"

char *url_unwrap(const char *host, const char *path, const LISTS *lists);
size_t url_unwrap_set(URLSET *set, size_t from, const LISTS *lists, int depth);

#endif
