/*
 * replay.c - a fuzz target without libFuzzer: runs LLVMFuzzerTestOneInput
 * on every file named on the command line (directories: every regular file
 * in them, in name order), and prints one TAP line for the lot (a corpus is
 * one test; the input that failed is named on stderr).
 *
 *   replay_smem tests/fuzz/corpus/smem          # what CI runs
 *   HEAPFUZZ_TRACE=1 replay_smem crash-1234     # one input, every op shown
 *
 * A broken rule aborts inside the target with a message on stderr, so
 * meson counts the test as failed.
 */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FILES 4096

static char *files[MAX_FILES];
static int nfiles;

static void add(const char *path)
{
    if (nfiles == MAX_FILES)
    {
        fprintf(stderr, "replay: more than %d files\n", MAX_FILES);
        exit(1);
    }
    files[nfiles] = strdup(path);
    if (files[nfiles] == NULL)
        exit(1);
    nfiles++;
}

static const char *current;

/* A broken rule aborts inside the target: say which input it was. */
static void on_abort(int sig)
{
    static const char msg[] = "replay: the failing input is ";
    if (current != NULL)
    {
        ssize_t r = write(2, msg, sizeof msg - 1);
        r = write(2, current, strlen(current));
        r = write(2, "\n", 1);
        (void)r;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    int first = nfiles;

    if (stat(path, &st) != 0)
    {
        perror(path);
        exit(1);
    }
    if (!S_ISDIR(st.st_mode))
    {
        add(path);
        return;
    }
    d = opendir(path);
    if (d == NULL)
    {
        perror(path);
        exit(1);
    }
    while ((e = readdir(d)) != NULL)
    {
        char full[4096];
        if (e->d_name[0] == '.')
            continue;
        snprintf(full, sizeof full, "%s/%s", path, e->d_name);
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
            add(full);
    }
    closedir(d);
    qsort(files + first, (size_t)(nfiles - first), sizeof(files[0]), cmp);
}

static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (f == NULL)
    {
        perror(path);
        exit(1);
    }
    do
    {
        if (n == cap)
        {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
            if (buf == NULL)
                exit(1);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *size = n;
    return buf;
}

int main(int argc, char **argv)
{
    /* TAP goes to a copy of stdout: the target may silence stdout. */
    int fd = dup(1);
    FILE *tap = fd >= 0 ? fdopen(fd, "w") : NULL;

    if (tap == NULL)
    {
        perror("dup");
        return 1;
    }
    for (int i = 1; i < argc; i++)
        collect(argv[i]);
    if (nfiles == 0)
    {
        fprintf(stderr, "usage: %s FILE|DIR...  (no input files found)\n", argv[0]);
        return 1;
    }
    signal(SIGABRT, on_abort);
    signal(SIGSEGV, on_abort);
    fprintf(tap, "1..1\n");
    fflush(tap);
    for (int i = 0; i < nfiles; i++)
    {
        size_t size;
        uint8_t *data = slurp(files[i], &size);

        current = files[i];
        LLVMFuzzerTestOneInput(data, size);
        current = NULL;
        free(data);
    }
    fprintf(tap, "ok 1 - %d inputs replayed\n", nfiles);
    for (int i = 0; i < nfiles; i++)
        free(files[i]);
    fclose(tap);
    return 0;
}
