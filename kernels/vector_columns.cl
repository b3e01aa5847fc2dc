/* Column blocks: a work-item owns LC_VW consecutive hidden units and handles them as one OpenCL
 * vector, so CPU compilers (PoCL) emit SIMD code without having to vectorise across work-items.
 * The last block of a layer whose H is not a multiple of LC_VW is partial: loaded and stored
 * element by element, with the missing lanes zero. */
#ifndef LC_VW
#define LC_VW 8
#endif
#ifndef LC_RB
#define LC_RB 4 /* sequences per work-item: each weight vector loaded is used LC_RB times */
#endif

#define LC_CAT_(a, b) a##b
#define LC_CAT(a, b) LC_CAT_(a, b)
#define floatv LC_CAT(float, LC_VW)
#define vloadv LC_CAT(vload, LC_VW)
#define vstorev LC_CAT(vstore, LC_VW)

#define LC_FORM_STANDARD 0
#define LC_FORM_PEEPHOLE 1
#define LC_FORM_LASAGNE01 2

static inline floatv lc_load_columns(global const float *p, int n)
{
    if (n >= LC_VW)
        return vloadv(0, p);
    float lanes[LC_VW];
    for (int i = 0; i < LC_VW; i++)
        lanes[i] = i < n ? p[i] : 0.0f;
    return vloadv(0, lanes);
}

/* The peephole weights w_ci, w_cf, w_co of columns j0.. (zero for the standard form). */
static inline void lc_load_peepholes(int form, global const float *peep, int hidden, int j0, int n,
                                     floatv *w_ci, floatv *w_cf, floatv *w_co)
{
    *w_ci = *w_cf = *w_co = 0.0f;
    if (form == LC_FORM_STANDARD)
        return;
    *w_ci = lc_load_columns(peep + j0, n);
    *w_cf = lc_load_columns(peep + hidden + j0, n);
    *w_co = lc_load_columns(peep + 2 * hidden + j0, n);
}

static inline void lc_store_columns(global float *p, int n, floatv v)
{
    if (n >= LC_VW) {
        vstorev(v, 0, p);
        return;
    }
    float lanes[LC_VW];
    vstorev(v, 0, lanes);
    for (int i = 0; i < n; i++)
        p[i] = lanes[i];
}

static inline void lc_add_columns(global float *p, int n, floatv v)
{
    lc_store_columns(p, n, lc_load_columns(p, n) + v);
}

static inline floatv lc_sigmoid(floatv x)
{
    return 1.0f / (1.0f + exp(-x));
}
