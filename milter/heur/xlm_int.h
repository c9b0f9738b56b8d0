/*
 * xlm_int - what the Excel 4 macro analysers share: heur/xlm.c (BIFF8 walk, formula text,
 *           the report), heur/xlm_eval.c (formula tokens evaluated) and heur/xlsb.c (the
 *           BIFF12 parts of an .xlsb)
 *
 * The state XS counts XLM names (k[]), collects the deobfuscated listing and the strings
 * the formulas build, and, when cells is set, remembers the value of every formula and
 * string cell so that a later reference (ptgRef) reads it (the .xlsb path: macro sheets
 * that spread a command over many CHAR() cells and join them with &).
 *
 * Internal to the XLM analysers; nothing else includes it.
 */
#ifndef FM_HEUR_XLM_INT_H
#define FM_HEUR_XLM_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "heur/heur.h"
#include "lib/buf.h"

#define EV_DEPTH       16        /* evaluation stack entries */
#define EV_STR         2048      /* bytes of one evaluated value */
#define XLM_LIST       (1 << 20) /* bytes of the deobfuscated listing */
#define XLM_CELLS_MAX  (1 << 16) /* cells remembered for references */
#define XLM_CELL_BYTES (8 << 20) /* bytes of remembered cell strings */

/* token dialects: BIFF5 and BIFF8 (.xls), BIFF12 (.xlsb) */
enum { XLM_BIFF5, XLM_BIFF8, XLM_BIFF12 };

/* XLM names counted in k[] */
enum { X_EXEC, X_CALL, X_REGISTER, X_CHAR, X_FORMULA, X_GOTO, X_HALT, X_DOWNLOAD };
enum { X_URLMON = X_DOWNLOAD + 1, X_SHELLEXEC, X_AUTO, X_RUN, X_N };

typedef struct XLM_VAL {
    int kind; /* 0 unknown (text renders it), 1 string, 2 number */
    double num;
    BUF *s;
} XLM_VAL;

typedef struct XLM_CELL {
    unsigned long long key; /* (row << 16 | col) + 1; 0: empty slot */
    int kind;
    double num;
    char *s;
    size_t len;
} XLM_CELL;

typedef struct XS {
    size_t k[X_N];
    unsigned hidden, macrosheets;
    size_t writes; /* FORMULA() calls that write a formula (a string starting with =) */
    BUF *list;     /* deobfuscated formulas */
    BUF *strs;     /* strings built by CHAR() and cell references */
    XLM_VAL st[EV_DEPTH];
    XLM_CELL *cells; /* NULL: references render as R1C1 */
    unsigned sheet;  /* the sheet cells are set and read in */
    size_t ncells, capcells, cellbytes;
} XS;

/* xlm_init - an empty state; cells: remember cell values for references */
void xlm_init(XS *x, bool cells);
/* xlm_fini - the state's memory released */
void xlm_fini(XS *x);
/* xlm_formula - one formula's tokens r[0..m) of the cell (row, col): function ids counted,
 * evaluated, its text appended to the listing as `R1C1 =...`, its value remembered */
void xlm_formula(XS *x, const unsigned char *r, size_t m, int dialect, unsigned row, unsigned col);
/* xlm_cell_set - a cell's value (a string cell, or a formula's cached result) */
void xlm_cell_set(XS *x, unsigned row, unsigned col, int kind, double num, const char *s, size_t n);
/* xlm_cell_get - a remembered string cell of the current sheet, or NULL */
const char *xlm_cell_get(const XS *x, unsigned row, unsigned col, size_t *len);
/* xlm_cell_num - a remembered number cell of the current sheet; false when there is none */
bool xlm_cell_num(const XS *x, unsigned row, unsigned col, double *v);
/* xlm_rk - an RK number (MS-XLS 2.5.217, MS-XLSB 2.5.122) */
double xlm_rk(unsigned long v);
/* xlm_cells_clear - the remembered cells forgotten (a new sheet) */
void xlm_cells_clear(XS *x);
/* xlm_report - the symbols of the counts, and the listing and built strings emitted; how
 * is appended to the details (" (BIFF)") */
void xlm_report(HEUR_CTX *c, XS *x, const char *how);

#endif
