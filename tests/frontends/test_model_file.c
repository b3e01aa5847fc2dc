/* Model files: round trip, and every kind of damage is refused with a message that says which. */
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

#include "checksum.h"
#include "lstmcorr/engine.h"
#include "model_file.h"

static char temp_folder[256];

static int make_temp_folder(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    snprintf(temp_folder, sizeof temp_folder, "%s/lstmcorr-model-XXXXXX", base ? base : "/tmp");
    return mkdtemp(temp_folder) == NULL ? -1 : 0;
}

static int remove_temp_folder(void **state)
{
    (void)state;
    return rmdir(temp_folder);
}

static void temp_path(char *out, size_t capacity, const char *name)
{
    snprintf(out, capacity, "%s/%s", temp_folder, name);
}

static void assert_error_contains(const char *needle)
{
    if (strstr(lc_last_error(), needle) == NULL)
        fail_msg("message '%s' lacks '%s'", lc_last_error(), needle);
}

/* Two tensors "a" (2 x 3) and "b" (1 x 3) and a small configuration. */
static lc_model *sample_model(void)
{
    lc_model *model;
    assert_int_equal(lc_model_create(&model), LC_OK);
    assert_int_equal(lc_model_config_set(model, "form", "lasagne-0.1"), LC_OK);
    assert_int_equal(lc_model_config_set_int(model, "hidden", 10), LC_OK);
    assert_int_equal(lc_model_config_set_int(model, "seed", -1234567890123LL), LC_OK);
    assert_int_equal(lc_model_config_set_double(model, "lr", 0.1), LC_OK);
    const float a[6] = {1.0f, -2.5f, 3.25f, 0.1f, -0.0f, 1e-30f};
    const float b[3] = {7.0f, 8.0f, 9.0f};
    assert_int_equal(lc_model_tensor_add(model, "a", 2, 3, a), LC_OK);
    assert_int_equal(lc_model_tensor_add(model, "b", 1, 3, b), LC_OK);
    return model;
}

static void sample_image(unsigned char **bytes, size_t *size)
{
    lc_model *model = sample_model();
    assert_int_equal(lc_model_serialize(model, bytes, size), LC_OK);
    lc_model_free(model);
}

static void refresh_checksum(unsigned char *bytes, size_t size)
{
    uint32_t crc = lc_crc32(0, bytes, size - 4);
    for (int i = 0; i < 4; i++)
        bytes[size - 4 + i] = (unsigned char)(crc >> (8 * i));
}

/* Offset of the first tensor's name length: magic, version, config length, config, count. */
static size_t first_tensor_offset(const unsigned char *bytes)
{
    uint32_t config_len = (uint32_t)bytes[12] | (uint32_t)bytes[13] << 8 |
                          (uint32_t)bytes[14] << 16 | (uint32_t)bytes[15] << 24;
    return 16 + config_len + 4;
}

static void test_crc32_check_value(void **state)
{
    (void)state;
    assert_int_equal(lc_crc32(0, "123456789", 9), 0xCBF43926u);
    uint32_t piecewise = lc_crc32(lc_crc32(0, "1234", 4), "56789", 5);
    assert_int_equal(piecewise, 0xCBF43926u);
    assert_int_equal(lc_crc32(0, "", 0), 0u);
}

static void test_round_trip(void **state)
{
    (void)state;
    char path[512];
    temp_path(path, sizeof path, "model.lcm");
    lc_model *model = sample_model();
    assert_int_equal(lc_model_save(model, path), LC_OK);
    assert_int_equal(access(path, R_OK), 0);

    lc_model *loaded = NULL;
    assert_int_equal(lc_model_load(path, &loaded), LC_OK);
    assert_int_equal(lc_model_config_count(loaded), 4);
    const char *key, *value;
    lc_model_config_entry(loaded, 0, &key, &value);
    assert_string_equal(key, "form");
    assert_string_equal(value, "lasagne-0.1");
    int64_t hidden = 0, seed = 0;
    double lr = 0.0;
    assert_int_equal(lc_model_config_get_int(loaded, "hidden", &hidden), LC_OK);
    assert_int_equal(lc_model_config_get_int(loaded, "seed", &seed), LC_OK);
    assert_int_equal(lc_model_config_get_double(loaded, "lr", &lr), LC_OK);
    assert_int_equal(hidden, 10);
    assert_true(seed == -1234567890123LL);
    assert_true(lr == 0.1); /* 17 digits: exact */

    assert_int_equal(lc_model_tensor_count(loaded), 2);
    const float *a = NULL;
    assert_int_equal(lc_model_tensor_expect(loaded, "a", 2, 3, &a), LC_OK);
    const lc_model_tensor *original = lc_model_tensor_find(model, "a");
    assert_memory_equal(a, original->data, 6 * sizeof(float));
    assert_string_equal(lc_model_tensor_at(loaded, 1)->name, "b");

    /* Saving the loaded model reproduces the file byte for byte. */
    unsigned char *first, *second;
    size_t first_size, second_size;
    assert_int_equal(lc_model_serialize(model, &first, &first_size), LC_OK);
    assert_int_equal(lc_model_serialize(loaded, &second, &second_size), LC_OK);
    assert_int_equal(first_size, second_size);
    assert_memory_equal(first, second, first_size);
    free(first);
    free(second);

    /* Overwriting replaces the file whole and leaves no temporary file behind. */
    assert_int_equal(lc_model_config_set_int(model, "epoch", 10), LC_OK);
    assert_int_equal(lc_model_save(model, path), LC_OK);
    char temp[600];
    snprintf(temp, sizeof temp, "%s.tmp.%ld", path, (long)getpid());
    assert_int_not_equal(access(temp, F_OK), 0);
    lc_model_free(loaded);
    assert_int_equal(lc_model_load(path, &loaded), LC_OK);
    assert_string_equal(lc_model_config_get(loaded, "epoch"), "10");
    lc_model_free(loaded);
    lc_model_free(model);
    assert_int_equal(unlink(path), 0);
}

static void test_config_rules(void **state)
{
    (void)state;
    lc_model *model;
    assert_int_equal(lc_model_create(&model), LC_OK);
    assert_int_equal(lc_model_config_set(model, "bad key", "x"), LC_ERR_INVALID);
    assert_int_equal(lc_model_config_set(model, "a=b", "x"), LC_ERR_INVALID);
    assert_int_equal(lc_model_config_set(model, "", "x"), LC_ERR_INVALID);
    assert_int_equal(lc_model_config_set(model, "note", "two\nlines"), LC_ERR_INVALID);
    assert_int_equal(lc_model_config_set(model, "preset", "seed-compatible"), LC_OK);
    assert_int_equal(lc_model_config_set(model, "preset", "default"), LC_OK);
    assert_int_equal(lc_model_config_count(model), 1);
    assert_string_equal(lc_model_config_get(model, "preset"), "default");
    assert_null(lc_model_config_get(model, "absent"));

    int64_t value;
    double real;
    assert_int_equal(lc_model_config_get_int(model, "absent", &value), LC_ERR_NOT_FOUND);
    assert_error_contains("'absent'");
    assert_int_equal(lc_model_config_get_int(model, "preset", &value), LC_ERR_FORMAT);
    assert_error_contains("'preset'");
    assert_int_equal(lc_model_config_set(model, "lr", "1e-3x"), LC_OK);
    assert_int_equal(lc_model_config_get_double(model, "lr", &real), LC_ERR_FORMAT);
    assert_int_equal(lc_model_config_set(model, "big", "99999999999999999999"), LC_OK);
    assert_int_equal(lc_model_config_get_int(model, "big", &value), LC_ERR_FORMAT);

    /* Floats: the shortest text that reads back as the same float. */
    static const struct {
        float value;
        const char *text;
    } floats[] = {{0.003f, "0.003"}, {0.1f, "0.1"}, {1e-7f, "1e-07"}, {16777217.0f, "16777216"},
                  {3.14159274f, "3.1415927"}, {3.40282347e38f, "3.4028235e+38"}};
    for (size_t i = 0; i < sizeof floats / sizeof floats[0]; i++) {
        assert_int_equal(lc_model_config_set_float(model, "lr", floats[i].value), LC_OK);
        assert_string_equal(lc_model_config_get(model, "lr"), floats[i].text);
        assert_int_equal(lc_model_config_get_double(model, "lr", &real), LC_OK);
        assert_true((float)real == floats[i].value);
    }
    assert_int_equal(lc_model_format_version(model), LC_MODEL_FORMAT_VERSION);
    lc_model_free(model);
}

static void test_tensor_rules(void **state)
{
    (void)state;
    lc_model *model = sample_model();
    const float one = 1.0f;
    assert_int_equal(lc_model_tensor_add(model, "a", 1, 1, &one), LC_ERR_INVALID);
    assert_error_contains("'a'");
    assert_int_equal(lc_model_tensor_add(model, "z", 0, 1, &one), LC_ERR_INVALID);
    assert_int_equal(lc_model_tensor_add(model, "", 1, 1, &one), LC_ERR_INVALID);
    assert_int_equal(lc_model_tensor_expect(model, "a", 3, 2, NULL), LC_ERR_FORMAT);
    assert_error_contains("tensor 'a' is 2 x 3, expected 3 x 2");
    assert_int_equal(lc_model_tensor_expect(model, "wh", 1, 1, NULL), LC_ERR_NOT_FOUND);
    assert_error_contains("'wh'");
    assert_null(lc_model_tensor_find(model, "wh"));
    lc_model_free(model);
}

static void test_every_flipped_byte_is_refused(void **state)
{
    (void)state;
    unsigned char *bytes;
    size_t size;
    sample_image(&bytes, &size);
    size_t data_start = first_tensor_offset(bytes) + 4 + 1 + 16; /* tensor a's values */
    for (size_t i = 0; i < size; i++) {
        bytes[i] ^= 0x01;
        lc_model *model = (lc_model *)0x1;
        lc_status status = lc_model_parse(bytes, size, "flipped", &model);
        if (status != LC_ERR_FORMAT)
            fail_msg("flip at byte %zu of %zu was accepted (status %d)", i, size, status);
        assert_null(model);
        /* In the configuration and the values only the checksum can see the damage. */
        if ((i >= 16 && i < first_tensor_offset(bytes) - 4) || (i >= data_start && i < data_start + 24))
            assert_error_contains("checksum mismatch");
        bytes[i] ^= 0x01;
    }
    lc_model *model;
    assert_int_equal(lc_model_parse(bytes, size, "intact", &model), LC_OK);
    lc_model_free(model);
    free(bytes);
}

static void test_every_truncation_is_refused(void **state)
{
    (void)state;
    unsigned char *bytes;
    size_t size;
    sample_image(&bytes, &size);
    for (size_t cut = 0; cut < size; cut++) {
        lc_model *model;
        assert_int_equal(lc_model_parse(bytes, cut, "cut", &model), LC_ERR_FORMAT);
        char expected[64];
        if (cut == 0)
            snprintf(expected, sizeof expected, "is empty, not an lstmcorr model");
        else
            snprintf(expected, sizeof expected, "truncated at byte %zu", cut);
        assert_error_contains(expected);
    }
    free(bytes);
}

static void test_wrong_magic_and_versions(void **state)
{
    (void)state;
    unsigned char *bytes;
    size_t size;
    sample_image(&bytes, &size);
    lc_model *model;

    bytes[0] = 'X';
    assert_int_equal(lc_model_parse(bytes, size, "m", &model), LC_ERR_FORMAT);
    assert_error_contains("'m' is not an lstmcorr model");
    assert_int_equal(lc_model_parse(bytes, 3, "m", &model), LC_ERR_FORMAT);
    assert_error_contains("not an lstmcorr model");
    bytes[0] = 'L';

    bytes[8] = 2; /* one newer than this reader */
    assert_int_equal(lc_model_parse(bytes, size, "m", &model), LC_ERR_FORMAT);
    assert_error_contains("format version 2, this lstmcorr reads 1");
    bytes[8] = 3;
    refresh_checksum(bytes, size); /* the version is refused before the checksum is read */
    assert_int_equal(lc_model_parse(bytes, size, "m", &model), LC_ERR_FORMAT);
    assert_error_contains("format version 3, this lstmcorr reads 1");
    bytes[8] = 0;
    assert_int_equal(lc_model_parse(bytes, size, "m", &model), LC_ERR_FORMAT);
    assert_error_contains("format version 0");
    free(bytes);
}

static void test_damage_behind_a_valid_checksum(void **state)
{
    (void)state;
    unsigned char *bytes;
    size_t size;
    lc_model *model;
    size_t tensor_a = 0, tensor_b = 0;

    /* Duplicate: rename "b" to "a". */
    sample_image(&bytes, &size);
    tensor_a = first_tensor_offset(bytes);
    tensor_b = tensor_a + 4 + 1 + 16 + 6 * 4;
    assert_int_equal(bytes[tensor_b + 4], 'b');
    bytes[tensor_b + 4] = 'a';
    refresh_checksum(bytes, size);
    assert_int_equal(lc_model_parse(bytes, size, "m", &model), LC_ERR_FORMAT);
    assert_error_contains("duplicate tensor 'a'");
    free(bytes);

    /* Bad shapes: zero rows; rows x cols that overflows. */
    sample_image(&bytes, &size);
    memset(bytes + tensor_a + 5, 0, 8);
    refresh_checksum(bytes, size);
    assert_int_equal(lc_model_parse(bytes, size, "m", &model), LC_ERR_FORMAT);
    assert_error_contains("tensor 'a' has bad shape 0 x 3");
    memset(bytes + tensor_a + 5, 0xff, 8);
    refresh_checksum(bytes, size);
    assert_int_equal(lc_model_parse(bytes, size, "m", &model), LC_ERR_FORMAT);
    assert_error_contains("bad shape");
    free(bytes);

    /* Malformed configuration: "form=..." becomes "form:...". */
    sample_image(&bytes, &size);
    assert_int_equal(bytes[20], '=');
    bytes[20] = ':';
    refresh_checksum(bytes, size);
    assert_int_equal(lc_model_parse(bytes, size, "m", &model), LC_ERR_FORMAT);
    assert_error_contains("configuration line 1 is not key=value");
    free(bytes);

    /* A byte after the checksum. */
    sample_image(&bytes, &size);
    unsigned char *longer = malloc(size + 1);
    memcpy(longer, bytes, size);
    longer[size] = 0;
    assert_int_equal(lc_model_parse(longer, size + 1, "m", &model), LC_ERR_FORMAT);
    assert_error_contains("1 unexpected bytes after its checksum");
    free(longer);
    free(bytes);
}

static void test_files_that_cannot_be_read_or_written(void **state)
{
    (void)state;
    char path[512];
    lc_model *model = (lc_model *)0x1;
    temp_path(path, sizeof path, "missing.lcm");
    assert_int_equal(lc_model_load(path, &model), LC_ERR_IO);
    assert_null(model);
    assert_error_contains(path);

    temp_path(path, sizeof path, "empty.lcm");
    FILE *file = fopen(path, "wb");
    assert_non_null(file);
    fclose(file);
    assert_int_equal(lc_model_load(path, &model), LC_ERR_FORMAT);
    assert_error_contains("is empty");
    assert_int_equal(unlink(path), 0);

    lc_model *sample = sample_model();
    temp_path(path, sizeof path, "no-such-folder/model.lcm");
    assert_int_equal(lc_model_save(sample, path), LC_ERR_IO);
    assert_error_contains(path);
    lc_model_free(sample);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32_check_value),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_config_rules),
        cmocka_unit_test(test_tensor_rules),
        cmocka_unit_test(test_every_flipped_byte_is_refused),
        cmocka_unit_test(test_every_truncation_is_refused),
        cmocka_unit_test(test_wrong_magic_and_versions),
        cmocka_unit_test(test_damage_behind_a_valid_checksum),
        cmocka_unit_test(test_files_that_cannot_be_read_or_written),
    };
    return cmocka_run_group_tests(tests, make_temp_folder, remove_temp_folder);
}
