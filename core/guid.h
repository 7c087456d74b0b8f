#ifndef PAPERCUT_GUID_H
#define PAPERCUT_GUID_H

/*
 * GUIDs for what papercut hands to other tools (REFI-QDA projects):
 * derived from stored keys, never random, so exporting the same database
 * twice gives the same GUIDs, and a code's GUID is the same in every
 * database ("code" + its id). 8-4-4-4-12 upper-case hex, a NUL.
 */
#define GUID_SIZE 37
void guid_of(const char *kind, const char *key, char out[GUID_SIZE]);

#endif
