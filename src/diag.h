/*
 * diag.h - messages to stderr that name their place, and exit statuses.
 * Modules report a problem where they find it and return -1; only main
 * turns the recorded class of the worst problem into the exit status.
 */
#ifndef LR_DIAG_H
#define LR_DIAG_H

#include <stdint.h>

enum lr_exit {
	LR_EXIT_OK = 0,    /* success */
	LR_EXIT_DATA = 1,  /* bad input data */
	LR_EXIT_USAGE = 2, /* bad command line */
	LR_EXIT_IO = 3     /* I/O or system error */
};

/* "lrelu: NAME:LINE:COL: message"; records a data error. LINE or COL of 0
 * is left out. */
void lr_error_at(const char *name, uint64_t line, uint64_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "lrelu: message"; records a data error. */
void lr_error_data(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "lrelu: message: strerror(errno)"; records an I/O error. */
void lr_error_sys(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "lrelu: message"; records a usage error. */
void lr_error_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "lrelu: warning: message"; records nothing. */
void lr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The worst class recorded since the last call, then reset to LR_EXIT_OK. */
enum lr_exit lr_diag_take(void);

#endif
