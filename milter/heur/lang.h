/*
 * heur_lang - the script-carrying formats heur_script does not read on its own: XSL
 *             stylesheets with msxsl:script, scriptlets (.sct/.wsc), HTML Help ShortCut
 *             controls (CHM pages), WMI .mof event subscriptions, .inf files for
 *             CMSTP/advpack, and .reg files with hex-encoded values
 *
 * SYNOPSIS
 *   void heur_lang(HEUR_CTX *c, const char *lang, const unsigned char *data, size_t n);
 *
 * DESCRIPTION
 *   Runs over every text layer (lang is filetype.c's token or NULL; it only decides the
 *   .reg handling, every other format is recognised by its structure, so a CHM member,
 *   a decoded layer or a renamed file is read the same way). What it finds:
 *     XSL   an <msxsl:script> block (any prefix bound to urn:schemas-microsoft-com:xslt):
 *           XSL_SCRIPT, the block's code handed to c->emit as a js/vbs/cs layer;
 *     SCT   <scriptlet>/<component> with <script> blocks: each block a layer; a script
 *           inside <registration> (runs at regsvr32 /i): SCT_REGISTRATION_SCRIPT;
 *     CHM   the HTML Help ActiveX control (clsid adb880a6-d8ff-11cf-9377-00aa003b7a11)
 *           with Command=ShortCut: CHM_SHORTCUT_EXEC and its Item1 command line as a bat
 *           layer; clicked by script or on load: CHM_SHORTCUT_AUTOCLICK;
 *     MOF   instance of __EventFilter (MOF_EVENT_FILTER), CommandLineEventConsumer
 *           (MOF_COMMAND_CONSUMER, CommandLineTemplate as a bat layer),
 *           ActiveScriptEventConsumer (MOF_SCRIPT_CONSUMER, ScriptText as a layer);
 *     INF   RunPreSetupCommands/RunPostSetupCommands sections (INF_SETUP_COMMANDS, their
 *           lines as a bat layer), RegisterOCXs/UnRegisterOCXs naming scrobj.dll with a
 *           remote scriptlet (INF_SCROBJ_REMOTE) or any DLL (INF_REGISTER_OCX);
 *     REG   hex(2)/hex(7)/hex(1)/hex: values written out as text: the file again with
 *           those values decoded, as a reg layer (heur_registry reads the payload next to
 *           its key there).
 *   Each symbol at most once per call, at c->location. Layers: at most LANG_MAX_LAYERS
 *   per call, each at most c->max_decoded bytes. Linear in n: every scan moves forward,
 *   block ends are searched once from the block start.
 */
#ifndef FM_HEUR_LANG_H
#define FM_HEUR_LANG_H

#include <stddef.h>

#include "heur/heur.h"

void heur_lang(HEUR_CTX *c, const char *lang, const unsigned char *data, size_t n);

#endif
