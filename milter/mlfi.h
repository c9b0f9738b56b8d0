/*
 * mlfi - the libmilter callback table
 *
 * SYNOPSIS
 *   int mlfi_open(const char *spec);   int mlfi_main(void);   void mlfi_stop(void);
 *
 * DESCRIPTION
 *   mlfi_open sets the socket (inet:PORT@HOST, unix:/path), registers the filter
 *   (smfi_register) and binds the socket now (smfi_opensocket, removing a stale unix
 *   socket), so privileges can be dropped afterwards; 0, or -1 when libmilter refuses.
 *   On inet sockets it sets TCP_NODELAY on the listening socket, which accepted
 *   connections inherit on Linux: libmilter has no option for it, and without it a
 *   reply written right after another (addheader, addheader, continue) waits for the
 *   MTA's delayed ACK (about 40 ms each) under Nagle's algorithm.
 *   mlfi_main runs smfi_main (0 on a clean stop); mlfi_stop asks it to stop from
 *   another thread (smfi_stop). The callbacks are thin: each fetches the CONN kept
 *   with smfi_setpriv, calls one conn.c stage and maps the result to an SMFIS_* status.
 *   negotiate asks for ADDHDRS, CHGHDRS, QUARANTINE and SETSYMLIST and the protocol
 *   steps SKIP, HDR_LEADSPC, NOHELO, NOUNKNOWN and NODATA, each only when offered; it
 *   creates the CONN. No SMFIP_NR_* step is requested, so no callback has to answer
 *   SMFIS_NOREPLY.
 */
#ifndef FM_MLFI_H
#define FM_MLFI_H
int mlfi_open(const char *spec);
int mlfi_main(void);
void mlfi_stop(void);
#endif
