/*
 * progress.c - the progress bar: "3/500 data.csv [#####     ]  45%
 * 12.3/27.1 MiB  35.2 MiB/s  ETA 0:02", rewritten in place with a
 * carriage return.
 */
#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void draw(struct lr_progress *p, double t)
{
	uint64_t done = p->before + p->done;
	double el = t - p->start, rate = el > 0 ? (double)done / el : 0;
	double mib = 1024.0 * 1024.0;
	char bar[21];
	int i, fill;

	fprintf(stderr, "%s%lu/%lu %s", p->tty ? "\r" : "", p->file, p->nfiles,
		p->name ? p->name : "");
	if (p->total > 0) {
		double f = (double)done / (double)p->total;

		if (f > 1)
			f = 1;
		fill = (int)(f * 20);
		for (i = 0; i < 20; i++)
			bar[i] = i < fill ? '#' : ' ';
		bar[20] = '\0';
		fprintf(stderr, " [%s] %3d%%  %.1f/%.1f MiB  %.1f MiB/s", bar, (int)(f * 100),
			(double)done / mib, (double)p->total / mib, rate / mib);
		if (rate > 0) {
			double left = ((double)p->total - (double)done) / rate;

			fprintf(stderr, "  ETA %d:%02d", (int)left / 60, (int)left % 60);
		}
	} else
		fprintf(stderr, "  %.1f MiB  %.1f MiB/s", (double)done / mib, rate / mib);
	if (p->tty)
		fputs("\033[K", stderr); /* clear what a longer line left */
	fflush(stderr);
	p->drawn = 1;
}

void lr_progress_start(struct lr_progress *p, unsigned long nfiles, int64_t total, int force)
{
	p->name = NULL;
	p->total = total;
	p->before = p->done = 0;
	p->file = 0;
	p->nfiles = nfiles;
	p->start = p->last = now();
	if (force)
		p->last -= 1; /* the first update draws */
	p->force = force;
	p->tty = isatty(2);
	p->drawn = 0;
}

void lr_progress_file(struct lr_progress *p, const char *name)
{
	p->name = name;
	p->file++;
	p->done = 0;
}

void lr_progress_update(struct lr_progress *p, uint64_t done)
{
	double t = now();

	p->done = done;
	/* a log gets one line, at the end */
	if (!p->tty || t - p->last < 0.2 || (!p->force && t - p->start < 1.0))
		return;
	p->last = t;
	draw(p, t);
}

void lr_progress_file_done(struct lr_progress *p, uint64_t done)
{
	p->before += done;
	p->done = 0;
}

void lr_progress_end(struct lr_progress *p)
{
	if (p->force && !p->tty) {
		draw(p, now());
		fputc('\n', stderr);
	} else if (p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}
