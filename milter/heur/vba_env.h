/*
 * vba_env - what the VBA folder knows between statements: string variables and junk markers
 *
 * SYNOPSIS
 *   VENV *venv_new(size_t cap);   VENV *venv_free(VENV *e);
 *   void venv_set(VENV *e, const char *name, size_t n, const char *val, size_t vn);
 *   const BUF *venv_get(const VENV *e, const char *name, size_t n);
 *   void venv_del(VENV *e, const char *name, size_t n);
 *   void venv_junk(VENV *e, const char *p, size_t n);
 *   size_t venv_njunk(const VENV *e);
 *   bool venv_strip(const VENV *e, BUF *out, const char *p, size_t n);
 *
 * DESCRIPTION
 *   A variable holds the last constant string assigned to it (VENV_VARS variables, each
 *   value at most cap bytes; when full, new names are not recorded). venv_del forgets a
 *   variable whose new value is not constant. Junk markers are constants removed by
 *   Replace(x, "junk", "") (VENV_JUNK markers of 2..VENV_JUNK_LEN bytes); venv_strip appends
 *   p[0..n) to out without them and says whether any was removed. Names are compared as
 *   bytes (the view is lower case outside literals).
 */
#ifndef FM_HEUR_VBA_ENV_H
#define FM_HEUR_VBA_ENV_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

#define VENV_VARS     512
#define VENV_NAME     64
#define VENV_JUNK     16
#define VENV_JUNK_LEN 64

typedef struct VENV VENV;

VENV *venv_new(size_t cap);
VENV *venv_free(VENV *e);
void venv_set(VENV *e, const char *name, size_t n, const char *val, size_t vn);
const BUF *venv_get(const VENV *e, const char *name, size_t n);
void venv_del(VENV *e, const char *name, size_t n);
void venv_junk(VENV *e, const char *p, size_t n);
size_t venv_njunk(const VENV *e);
bool venv_strip(const VENV *e, BUF *out, const char *p, size_t n);

#endif
