/*
 * lure - text that tells the reader to run a command (ClickFix, fake CAPTCHA pages)
 *
 * SYNOPSIS
 *   void heur_lure(HEUR_CTX *c, const unsigned char *p, size_t n);
 *   size_t lure_normalize(const unsigned char *p, size_t n, char *out, size_t max);
 *
 * DESCRIPTION
 *   A lure is a delivery, not a mention: the recipient is the one who runs the command.
 *   heur_lure reads a text or HTML buffer (the first LURE_WINDOW bytes), normalized by
 *   lure_normalize: tags and entities become blanks, ASCII is lower-cased, white space
 *   collapses to one blank and blanks around `+` go (`<kbd>Win</kbd> + <kbd>R</kbd>` reads
 *   `win+r`). It reports at c->location:
 *     LURE_RUN_COMMAND    steps to open the Run box, a terminal or PowerShell (Win+R, Win+X,
 *                         "open PowerShell") and paste (Ctrl+V, "paste") a command;
 *     LURE_FAKE_CAPTCHA   a human-verification page ("verify you are human", "I'm not a
 *                         robot", CAPTCHA) with those steps or a script that writes the
 *                         clipboard (navigator.clipboard.writeText, execCommand("copy"));
 *     LURE_PASTED_COMMAND with either of them, the command the page hands over (powershell,
 *                         mshta, cmd /c, curl, msiexec, rundll32, wscript ...).
 *   Text that reports on such lures (a newsletter or incident note: "ClickFix", "threat
 *   actor", "attackers", "victims", "campaign", defanged hxxp / [.] indicators) is a mention
 *   and reports nothing. Pure: no I/O.
 */
#ifndef FM_LURE_H
#define FM_LURE_H

#include <stddef.h>

#include "heur/heur.h"

#define LURE_WINDOW (256 * 1024)

void heur_lure(HEUR_CTX *c, const unsigned char *p, size_t n);
size_t lure_normalize(const unsigned char *p, size_t n, char *out, size_t max);

#endif
