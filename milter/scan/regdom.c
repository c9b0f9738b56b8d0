/*
 * scan/regdom - registrable domain over libpsl 0.21 (see scan/regdom.h)
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <libpsl.h>

#include "scan/regdom.h"

#define HOST_MAX 256

/* regdom_of - see scan/regdom.h */
bool regdom_of(const char *host, char *out, size_t outsz)
{
    char h[HOST_MAX];
    size_t n = host ? strlen(host) : 0;
    while (n > 0 && host[n - 1] == '.')
        n--;
    if (n == 0 || n >= sizeof(h))
        return false;
    for (size_t i = 0; i < n; i++)
        h[i] = (char)tolower((unsigned char)host[i]);
    h[n] = 0;
    unsigned char a6[16];
    if (inet_pton(AF_INET, h, a6) == 1 || inet_pton(AF_INET6, h, a6) == 1 || h[0] == '[')
        return false;
    const psl_ctx_t *psl = psl_builtin();
    const char *r = psl ? psl_registrable_domain(psl, h) : NULL;
    if (r == NULL || strlen(r) >= outsz)
        return false;
    snprintf(out, outsz, "%s", r);
    return true;
}
