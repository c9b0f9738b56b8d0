/*
 * lib/words - membership in a list of space-separated words
 *
 * SYNOPSIS
 *   bool words_has(const char *list, const char *w, size_t n);
 *   bool words_hasz(const char *list, const char *w);
 *
 * DESCRIPTION
 *   words_has tells whether w[0..n) is one of the words of list, a C string of words
 *   separated by single spaces ("js vbs hta"), comparing ASCII letters without case.
 *   An empty word (n == 0) is in no list. words_hasz does the same for the C string w;
 *   NULL is in no list. Linear in the list; no allocation.
 */
#ifndef FM_LIB_WORDS_H
#define FM_LIB_WORDS_H

#include <stdbool.h>
#include <stddef.h>

bool words_has(const char *list, const char *w, size_t n);
bool words_hasz(const char *list, const char *w);

#endif
