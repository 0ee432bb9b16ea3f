/* replay_main.c: runs a fuzz target's entry point over every regular file of a corpus
 * directory, in sorted order, without a fuzzing engine (`make test` uses it). It only reads
 * files; a target that finds a mismatch aborts, which fails the run.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads path into a fresh buffer (never NULL, even when empty). Returns 0, or -1. */
static int read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 4096, n = 0;

	if (f == NULL)
		return -1;
	buf = malloc(cap);
	while (buf != NULL) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		uint8_t *bigger = realloc(buf, cap * 2);
		if (bigger == NULL) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	if (buf == NULL || ferror(f)) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	*out = buf;
	*len = n;
	return 0;
}

int main(int argc, char **argv)
{
	struct dirent **names = NULL;
	int count, rc = 0;
	unsigned long inputs = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	count = scandir(argv[1], &names, NULL, alphasort);
	if (count < 0) {
		fprintf(stderr, "replay %s: cannot read directory\n", argv[1]);
		return 1;
	}
	for (int i = 0; i < count; i++) {
		char path[4096];
		struct stat st;
		uint8_t *data = NULL;
		size_t len = 0;

		if (snprintf(path, sizeof path, "%s/%s", argv[1], names[i]->d_name) >= (int)sizeof path ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (read_file(path, &data, &len) != 0) {
			fprintf(stderr, "replay %s: cannot read %s\n", argv[1], path);
			rc = 1;
			continue;
		}
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		inputs++;
	}
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
	if (rc == 0)
		printf("replay %s: %lu inputs ok\n", argv[1], inputs);
	return rc;
}
