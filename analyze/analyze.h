#ifndef PAPERCUT_ANALYZE_H
#define PAPERCUT_ANALYZE_H

#include "../core/err.h"

int cmd_analyze(int argc, char **argv, struct err *e);
int cmd_search(int argc, char **argv, struct err *e);
int cmd_export(int argc, char **argv, struct err *e);
int cmd_show(int argc, char **argv, struct err *e);
int cmd_code(int argc, char **argv, struct err *e);
int cmd_participant(int argc, char **argv, struct err *e);
int cmd_agreement(int argc, char **argv, struct err *e);

#endif
