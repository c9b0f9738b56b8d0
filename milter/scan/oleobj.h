/*
 * scan/oleobj - the object streams of an OLE2 file handed to heur/oleobj.c
 *
 * SYNOPSIS
 *   void scan_ole_objects(HEUR_CTX *c, const unsigned char *d, size_t n);
 *
 * DESCRIPTION
 *   Opens d as a compound file (scan/cfb.c; nothing happens when it is none) and reads,
 *   each at most c->max_decoded bytes:
 *     - in the root and every storage (at most OLE_MAX_STORAGES: the objects of a Word
 *       ObjectPool, an embedded object): the `Equation Native` stream, and the
 *       `\1Ole10Native` stream when that storage's CLSID is Equation 3.0 (an Equation
 *       object stored the OLE1 way), for heur_equation_native;
 *     - when the root CLSID is a Windows Installer package, patch or transform
 *       (000C1084/000C1086/000C1082-...-46): MSI_PACKAGE, and every stream with its
 *       decoded name (at most MSI_MAX_STREAMS) for heur_msi_stream.
 */
#ifndef FM_SCAN_OLEOBJ_H
#define FM_SCAN_OLEOBJ_H

#include <stddef.h>

#include "heur/heur.h"

#define MSI_MAX_STREAMS  4096
#define OLE_MAX_STORAGES 256

void scan_ole_objects(HEUR_CTX *c, const unsigned char *d, size_t n);

#endif
