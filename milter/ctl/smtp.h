/*
 * ctl/smtp - hand one message to the MTA: a small SMTP client, or a sendmail binary
 *
 * SYNOPSIS
 *   int smtp_send(const char *relay, const char *from, char *const *rcpt, size_t nrcpt,
 *                 const char *head, const char *raw, size_t len, BUF *err);
 *   bool smtp_addr_ok(const char *addr);
 *
 * DESCRIPTION
 *   smtp_send delivers `head` (extra header lines, each ending in CRLF, put first) plus
 *   the raw message to the recipients with the envelope sender `from` (addresses with or
 *   without angle brackets; "<>" is the null sender).
 *
 *   relay "HOST:PORT" (or "[v6addr]:PORT"): SMTP over TCP. Every reply is checked: 220
 *   greeting, EHLO (HELO when EHLO is refused), MAIL, each RCPT, DATA (354) and the final
 *   250. One refused recipient aborts the whole transaction (RSET, QUIT) so a message is
 *   delivered to all of its recipients or to none. Lines are sent with CRLF (bare LF
 *   becomes CRLF) and dot-stuffed. Each read or write waits at most SMTP_TIMEOUT_S.
 *
 *   relay "/path/to/sendmail": the binary is run as `sendmail -i -f FROM -- RCPT...`
 *   with the message on its standard input; success is exit status 0.
 *
 *   Returns 0 when the MTA took the message, else -1 with the reason (the MTA's reply
 *   included, sanitized) in err. smtp_addr_ok refuses addresses holding control
 *   characters, spaces outside quotes or more than 998 bytes: they cannot be sent safely.
 */
#ifndef FM_SMTP_H
#define FM_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

#define SMTP_TIMEOUT_S 60

int smtp_send(const char *relay, const char *from, char *const *rcpt, size_t nrcpt,
              const char *head, const char *raw, size_t len, BUF *err);
bool smtp_addr_ok(const char *addr);

#endif
