/*
 * heur/script - script analysis: behaviour of JS/JSE, VBS/VBE, WSF, WSC/SCT, HTA, PS1,
 *               BAT/CMD, shortcut command lines, URL/IQY/SettingContent-ms, HTML/SVG
 *
 * SYNOPSIS
 *   void heur_script(HEUR_CTX *c, const char *lang, const unsigned char *data, size_t n);
 *
 * DESCRIPTION
 *   lang is filetype.c's token (js, jse, vbs, vbe, wsf, sct, hta, ps1, bat, url, iqy, slk,
 *   settingcontent, reg) or html, svg, or lnk for a shortcut's command line. It runs the
 *   deobfuscation passes (deobf.c) and hands every decoded layer to c->emit, then
 *   reports behaviour symbols at c->location: COM object creation, process launch,
 *   download cradles, in-memory loading, AMSI/Defender tampering, hidden windows,
 *   execution-policy bypass, script-building-a-file (HTML smuggling) and so on.
 */
#ifndef FM_HEUR_SCRIPT_H
#define FM_HEUR_SCRIPT_H

#include <stddef.h>

#include "heur/heur.h"

void heur_script(HEUR_CTX *c, const char *lang, const unsigned char *data, size_t n);

#endif
