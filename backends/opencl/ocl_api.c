/* dlopen of the ICD loader and CLBlast. They stay loaded until the process exits: both keep
 * process-wide state (ICD vendor list, CLBlast's program cache) that must not be torn down while
 * another plugin instance or a driver thread may still use it. */
#include "ocl_api.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <threads.h>

ocl_api ocl;

static once_flag ocl_load_once = ONCE_FLAG_INIT;
static lc_status ocl_load_status = LC_ERR_NOT_FOUND;
static char ocl_load_reason[512];

static void *ocl_open_first(const char *const *names, const char *what)
{
    char errors[384] = "";
    for (const char *const *name = names; *name; name++) {
        void *handle = dlopen(*name, RTLD_NOW | RTLD_LOCAL);
        if (handle)
            return handle;
        const char *why = dlerror();
        size_t used = strlen(errors);
        snprintf(errors + used, sizeof errors - used, "%s%s", used ? "; " : "",
                 why ? why : *name);
    }
    snprintf(ocl_load_reason, sizeof ocl_load_reason, "%s not found (%s)", what, errors);
    return NULL;
}

static int ocl_resolve(void *library, const char *library_name, const char *symbol, void **out)
{
    /* POSIX allows converting dlsym's void * to a function pointer; go through memcpy so that
     * strict ISO C compilers do not complain about object/function pointer casts. */
    void *address = dlsym(library, symbol);
    if (!address) {
        snprintf(ocl_load_reason, sizeof ocl_load_reason, "%s lacks %s (OpenCL 1.2 needed)",
                 library_name, symbol);
        return 0;
    }
    memcpy(out, &address, sizeof address);
    return 1;
}

static void ocl_load_libraries(void)
{
    static const char *const opencl_names[] = {"libOpenCL.so.1", "libOpenCL.so", NULL};
    static const char *const clblast_names[] = {"libclblast.so.1", "libclblast.so", NULL};

    void *opencl = ocl_open_first(opencl_names, "OpenCL ICD loader libOpenCL.so.1");
    if (!opencl)
        return;
#define OCL_API_RESOLVE(name)                                                  \
    if (!ocl_resolve(opencl, "libOpenCL.so.1", #name, (void **)&ocl.name)) \
        return;
    OCL_API_FUNCTIONS(OCL_API_RESOLVE)
#undef OCL_API_RESOLVE

    void *clblast = ocl_open_first(clblast_names, "CLBlast libclblast.so.1");
    if (!clblast)
        return;
    if (!ocl_resolve(clblast, "libclblast.so.1", "CLBlastSgemm", (void **)&ocl.CLBlastSgemm) ||
        !ocl_resolve(clblast, "libclblast.so.1", "CLBlastOverrideParameters",
                     (void **)&ocl.CLBlastOverrideParameters))
        return;
    ocl_load_status = LC_OK;
}

lc_status ocl_api_load(char *reason, size_t reason_len)
{
    call_once(&ocl_load_once, ocl_load_libraries);
    if (ocl_load_status != LC_OK && reason && reason_len)
        snprintf(reason, reason_len, "%s", ocl_load_reason);
    return ocl_load_status;
}
