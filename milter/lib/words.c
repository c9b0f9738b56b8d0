/*
 * lib/words - membership in a list of space-separated words (contract in lib/words.h)
 */
#include <string.h>
#include <strings.h>

#include "lib/words.h"

/* words_has - w[0..n) is one of the space-separated words of list (ASCII case folded) */
bool words_has(const char *list, const char *w, size_t n)
{
    for (const char *p = list; n && *p;) {
        size_t l = strcspn(p, " ");
        if (l == n && strncasecmp(p, w, n) == 0)
            return true;
        p += l + (p[l] == ' ');
    }
    return false;
}

/* words_hasz - words_has for a C string (NULL is in no list) */
bool words_hasz(const char *list, const char *w)
{
    return w && words_has(list, w, strlen(w));
}
