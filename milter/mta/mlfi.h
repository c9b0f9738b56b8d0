/*
 * mta/mlfi - the libmilter callback table
 *
 * SYNOPSIS
 *   int mlfi_open(const char *spec);   int mlfi_main(void);
 *
 * DESCRIPTION
 *   mlfi_open sets the socket (inet:PORT@HOST, unix:/path), registers the filter
 *   (smfi_register) and binds the socket now (smfi_opensocket, removing a stale unix
 *   socket), so privileges can be dropped afterwards; 0, or -1 when libmilter refuses.
 *   mlfi_main runs smfi_main (0 on a clean stop; libmilter's signal thread stops it on
 *   SIGTERM/SIGINT, see daemon.h). The callbacks are thin: each fetches the CONN kept
 *   with smfi_setpriv, calls one conn.c stage and maps the result to an SMFIS_* status.
 *   negotiate asks for ADDHDRS, CHGHDRS, QUARANTINE and SETSYMLIST and the protocol
 *   steps SKIP, HDR_LEADSPC, NOUNKNOWN and NODATA (HELO is kept for the quarantine), each only when
 * offered; it creates the CONN. No SMFIP_NR_* step is requested, so no callback has to answer
 *   SMFIS_NOREPLY.
 */
#ifndef FM_MLFI_H
#define FM_MLFI_H
int mlfi_open(const char *spec);
int mlfi_main(void);
#endif
