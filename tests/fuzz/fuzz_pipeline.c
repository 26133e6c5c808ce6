/*
 * fuzz_pipeline.c - libFuzzer harness that runs the whole program
 * (source -> decoder -> kernel -> encoder -> sink) on one input.
 *
 * Built once per decoder with FUZZ_TARGET naming the input formats it
 * feeds (make fuzz): the first byte of the fuzz input picks the mode,
 * the arithmetic and the output format, the second the input format
 * from that list and some options; the rest is the file. The file is handed over as a
 * memfd through /dev/fd/N, output goes to /dev/null. lrelu's main is
 * compiled in as lrelu_main (-Dmain=lrelu_main).
 *
 * The property checked is the one a user relies on: any input ends in
 * exit status 0 or 1 (data error), never a crash, a sanitizer report,
 * a leak, or another status.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int lrelu_main(int argc, char **argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Which decoder: make fuzz builds one harness per value. */
#if FUZZ_TARGET == 1
static const char *const from[] = { "csv", "tsv" };
#elif FUZZ_TARGET == 2
static const char *const from[] = { "json" };
#elif FUZZ_TARGET == 3
static const char *const from[] = { "ndjson" };
#elif FUZZ_TARGET == 4
static const char *const from[] = { "npy", "f32", "f64", "f16", "bf16" };
#elif FUZZ_TARGET == 5
/* gzip is found by its magic bytes whatever the format */
static const char *const from[] = { "csv", "json", "npy" };
#else
#error "FUZZ_TARGET: 1 csv, 2 json, 3 ndjson, 4 binary, 5 gzip"
#endif

static const char *const modes[][3] = {
	{ "-m", "forward", "-s0.2" },
	{ "-m", "grad", "-s-0.5" },
	{ "-m", "prelu", "-s0.1,0.25" },
	{ "-m", "inverse", "-s0.3" },
};

static const char *const dtypes[][2] = {
	{ NULL, NULL },
	{ "--dtype", "f32" },
	{ "--dtype", "f64" },
	{ "--precision", "3" },
};

static const char *const outs[] = { NULL, "csv", "json", "ndjson", "npy", "f32", "tsv", "f16" };

static int devnull = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = open("/dev/null", O_WRONLY);
	if (devnull < 0 || dup2(devnull, 1) < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[20], path[64];
	unsigned char b0, b1;
	int argc = 0, fd, status;

	if (size < 2)
		return 0;
	b0 = data[0];
	b1 = data[1];
	data += 2;
	size -= 2;
	fd = memfd_create("fuzz", 0);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof path, "/dev/fd/%d", fd);

	argv[argc++] = (char *)"lrelu";
	argv[argc++] = (char *)modes[b0 & 3][0];
	argv[argc++] = (char *)modes[b0 & 3][1];
	/* forward by 0.01: the CSV decoder's rows of plain numbers */
	argv[argc++] = (char *)((b0 & 3) == 0 && (b1 & 0x10) ? "-s0.01" : modes[b0 & 3][2]);
	if (dtypes[(b0 >> 2) & 3][0]) {
		argv[argc++] = (char *)dtypes[(b0 >> 2) & 3][0];
		argv[argc++] = (char *)dtypes[(b0 >> 2) & 3][1];
	}
	if (outs[(b0 >> 4) & 7]) {
		argv[argc++] = (char *)"-t";
		argv[argc++] = (char *)outs[(b0 >> 4) & 7];
	}
	if (b0 & 0x80)
		argv[argc++] = (char *)"--with-input";
	if (b1 & 0x80)
		argv[argc++] = (char *)"--stats";
	if (b1 & 0x40)
		argv[argc++] = (char *)"-c2";
	if (b1 & 0x20)
		argv[argc++] = (char *)"--channels=2";
	argv[argc++] = (char *)"-f";
	argv[argc++] = (char *)from[(b1 & 0x0f) % (sizeof from / sizeof from[0])];
	argv[argc++] = path;
	argv[argc] = NULL;

	optind = 0; /* glibc: start getopt afresh */
	status = lrelu_main(argc, argv);
	close(fd);
	/* 0: fine; 1: bad data; 2: a usage error some option mixes give
	 * (--with-input across families, .npy of unknown length...). 3 (I/O)
	 * cannot happen with a memfd in and /dev/null out. */
	if (status < 0 || status > 2)
		abort();
	return 0;
}
