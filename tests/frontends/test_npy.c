/* .npy files: the header is byte for byte numpy's, values round-trip, bad files are refused. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lstmcorr/engine.h"
#include "npy.h"

static char temp_folder[256];

static int make_temp_folder(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    snprintf(temp_folder, sizeof temp_folder, "%s/lstmcorr-npy-XXXXXX", base ? base : "/tmp");
    return mkdtemp(temp_folder) == NULL ? -1 : 0;
}

static int remove_temp_folder(void **state)
{
    (void)state;
    return rmdir(temp_folder);
}

static void write_bytes(const char *path, const void *bytes, size_t size)
{
    FILE *file = fopen(path, "wb");
    assert_non_null(file);
    assert_int_equal(fwrite(bytes, 1, size, file), size);
    fclose(file);
}

/* What numpy 2.4 writes for np.save(f, np.zeros((3, 4), '<f4')): 21 - len("3") growth spaces,
 * then padding to 128 bytes. */
static const char numpy_header_3x4[] =
    "\x93NUMPY\x01\x00\x76\x00{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }"
    "                                                          \n";

static void test_header_matches_numpy(void **state)
{
    (void)state;
    char header[256];
    size_t size = lc_npy_header_f32(3, 4, header, sizeof header);
    assert_int_equal(size, sizeof numpy_header_3x4 - 1);
    assert_int_equal(size, 128);
    assert_memory_equal(header, numpy_header_3x4, size);

    /* Every int64 shape fits in 128 bytes, ends in '\n' and declares its own length. */
    const int64_t shapes[][2] = {{0, 7}, {1700, 10}, {123456789012LL, 1}, {1, INT64_MAX},
                                 {INT64_MAX, INT64_MAX}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        size = lc_npy_header_f32(shapes[i][0], shapes[i][1], header, sizeof header);
        assert_int_equal(size % 64, 0);
        assert_int_equal(header[size - 1], '\n');
        assert_int_equal((unsigned char)header[8] | (unsigned char)header[9] << 8, size - 10);
        char shape_text[64];
        snprintf(shape_text, sizeof shape_text, "'shape': (%lld, %lld), }",
                 (long long)shapes[i][0], (long long)shapes[i][1]);
        header[size - 1] = '\0';
        assert_non_null(strstr(header + 10, shape_text));
    }
}

static void test_round_trip(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/vectors.npy", temp_folder);
    float values[2 * 3] = {1.0f, -2.0f, 0.5f, 1e-38f, 3.4e38f, -0.0f};
    assert_int_equal(lc_npy_write_f32(path, values, 2, 3), LC_OK);

    float *read = NULL;
    int64_t rows = 0, cols = 0;
    assert_int_equal(lc_npy_read_f32(path, &read, &rows, &cols), LC_OK);
    assert_int_equal(rows, 2);
    assert_int_equal(cols, 3);
    assert_memory_equal(read, values, sizeof values);
    free(read);

    /* The file is the header then the little-endian values, nothing else. */
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    unsigned char bytes[200];
    size_t size = fread(bytes, 1, sizeof bytes, file);
    fclose(file);
    assert_int_equal(size, 128 + sizeof values);
    assert_int_equal(bytes[128 + 4 + 3], 0xc0); /* -2.0f = 0xc0000000 */

    /* An empty matrix is a valid file too. */
    assert_int_equal(lc_npy_write_f32(path, NULL, 0, 5), LC_OK);
    assert_int_equal(lc_npy_read_f32(path, &read, &rows, &cols), LC_OK);
    assert_int_equal(rows, 0);
    assert_int_equal(cols, 5);
    free(read);
    assert_int_equal(unlink(path), 0);
}

static void test_numpy_reads_it(void **state)
{
    (void)state;
    if (system("python3 -c 'import numpy' >/dev/null 2>&1") != 0) {
        skip(); /* optional: numpy is not installed */
    }
    char path[512], command[1400];
    snprintf(path, sizeof path, "%s/for-numpy.npy", temp_folder);
    float values[3 * 4];
    for (int i = 0; i < 12; i++)
        values[i] = (float)i * 0.25f - 1.0f;
    assert_int_equal(lc_npy_write_f32(path, values, 3, 4), LC_OK);
    /* numpy loads it with the same values, and its own file of the same array is identical. */
    snprintf(command, sizeof command,
             "python3 -c \"import numpy as np, sys; p = sys.argv[1]; a = np.load(p);"
             " e = (np.arange(12, dtype='<f4') * 0.25 - 1).reshape(3, 4);"
             " assert a.dtype == np.dtype('<f4') and a.shape == (3, 4) and (a == e).all();"
             " np.save(p + '.numpy.npy', e);"
             " assert open(p, 'rb').read() == open(p + '.numpy.npy', 'rb').read()\" '%s'",
             path);
    int rc = system(command);
    char numpy_copy[600];
    snprintf(numpy_copy, sizeof numpy_copy, "%s.numpy.npy", path);
    unlink(numpy_copy);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rc, 0);
}

static void test_bad_files_are_refused(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/bad.npy", temp_folder);
    float *data = NULL;
    int64_t rows, cols;

    assert_int_equal(lc_npy_read_f32(path, &data, &rows, &cols), LC_ERR_IO);
    assert_non_null(strstr(lc_last_error(), path));

    static const char zip_file[] = "PK\x03\x04 not npy";
    write_bytes(path, zip_file, sizeof zip_file - 1);
    assert_int_equal(lc_npy_read_f32(path, &data, &rows, &cols), LC_ERR_FORMAT);
    assert_non_null(strstr(lc_last_error(), "not a .npy file"));

    char header[256];
    size_t size = lc_npy_header_f32(2, 2, header, sizeof header);
    write_bytes(path, header, size); /* no data */
    assert_int_equal(lc_npy_read_f32(path, &data, &rows, &cols), LC_ERR_FORMAT);
    assert_non_null(strstr(lc_last_error(), "truncated in the data"));

    header[size] = '\0'; /* the prefix holds NUL bytes: search the dict only */
    char *f8 = strstr(header + 10, "<f4");
    f8[2] = '8';
    write_bytes(path, header, size);
    assert_int_equal(lc_npy_read_f32(path, &data, &rows, &cols), LC_ERR_FORMAT);
    assert_non_null(strstr(lc_last_error(), "not little-endian float32"));
    assert_null(data);
    assert_int_equal(unlink(path), 0);

    assert_int_equal(lc_npy_write_f32(path, NULL, -1, 2), LC_ERR_INVALID);
    snprintf(path, sizeof path, "%s/no-such-folder/x.npy", temp_folder);
    float one = 1.0f;
    assert_int_equal(lc_npy_write_f32(path, &one, 1, 1), LC_ERR_IO);
    assert_non_null(strstr(lc_last_error(), path));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_matches_numpy),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_numpy_reads_it),
        cmocka_unit_test(test_bad_files_are_refused),
    };
    return cmocka_run_group_tests(tests, make_temp_folder, remove_temp_folder);
}
