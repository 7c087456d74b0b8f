#ifndef PAPERCUT_REPORT_H
#define PAPERCUT_REPORT_H

#include "../core/err.h"

int cmd_report(int argc, char **argv, struct err *e);

/* export qdpx, export qdc: REFI-QDA (report/qdpx.c) */
int cmd_export_refi(int argc, char **argv, struct err *e);

#endif
