/*
 * The siamese alert network: its configuration, parameters, and the graphs that embed alerts and
 * train on pairs. method.md is the specification; both branches of the pair share every weight,
 * so a batch runs the LSTM once per distinct alert.
 *
 * Parameters (float32, session names):
 *   embedding   V x V          only with train_embedding (identity at start)
 *   lstmL.wx    V x 4H0 (L=0) or H(L-1) x 4HL; gates i,f,g,o as cuDNN/PyTorch
 *   lstmL.wh    HL x 4HL
 *   lstmL.bias  1 x 4HL
 *   lstmL.peep  1 x 3HL        peephole and lasagne-0.1 forms only
 */
#ifndef LSTMCORR_NETWORK_H
#define LSTMCORR_NETWORK_H

#include <stddef.h>
#include <stdint.h>

#include "lstmcorr/graph.h"
#include "model_file.h"

#define LC_NET_MAX_LAYERS 8
#define LC_NET_VOCAB 128

typedef struct lc_net_config {
    lc_lstm_form form;
    int layers;
    int hidden[LC_NET_MAX_LAYERS];
    int train_embedding;
    float forget_bias;  /* initial bias of the forget gates (0 in the prototype); not stored */
    int reverse;        /* read each alert from its last character to its first (0 in the prototype) */
} lc_net_config;

/* "standard", "peephole", "lasagne-0.1" <-> form. */
lc_status lc_lstm_form_parse(const char *name, lc_lstm_form *out);
const char *lc_lstm_form_name(lc_lstm_form form);
/* "10" or "64,32" -> hidden sizes. */
lc_status lc_net_hidden_parse(const char *text, lc_net_config *config);
/* Size of the alert vector (the last layer's H). */
int lc_net_output_size(const lc_net_config *config);

/* Add every parameter to the session with the prototype's initialisation: weights and peepholes
 * ~ Normal(0, 0.1) from `seed`, biases 0 (forget gates: config->forget_bias), embedding identity. */
lc_status lc_net_init_params(const lc_net_config *config, uint64_t seed, lc_session *session);
/* Store / load the network's configuration and parameters in a model file. */
lc_status lc_net_save_params(const lc_net_config *config, lc_session *session, lc_model *model);
lc_status lc_net_config_from_model(const lc_model *model, lc_net_config *config);
lc_status lc_net_load_params(const lc_net_config *config, const lc_model *model, lc_session *session);

/* A batch of alert texts encoded for the LSTM: sorted by length (longest first), packed
 * time-major (see backend.h). order[k] is the caller's index of sorted sequence k. */
typedef struct lc_net_batch {
    int32_t count;
    int32_t *order;
    int32_t *lengths;
    int32_t *codes;  /* packed, total entries */
    int64_t total;
} lc_net_batch;

/* Encode texts (bytes mapped to codes 1..127, see docs/formats.md), first character first. */
lc_status lc_net_batch_encode(lc_net_batch *batch, const char *const *texts, const size_t *lengths,
                              int32_t count);
/* The same in the network's reading order (config->reverse: last character first). */
lc_status lc_net_batch_encode_for(const lc_net_config *config, lc_net_batch *batch, const char *const *texts,
                                  const size_t *lengths, int32_t count);
void lc_net_batch_free(lc_net_batch *batch);

/* Append the forward pass to g: returns the vectors (count x H_last) in the batch's sorted order. */
lc_value lc_net_forward(lc_graph *g, const lc_net_config *config, const lc_net_batch *batch);

/* Embed texts: vectors[i * H ...] for text i in the caller's order. Runs in chunks of at most
 * `chunk` sequences (sorted by length across the whole input, so chunks pad nothing). */
lc_status lc_net_embed(const lc_net_config *config, lc_session *session, const char *const *texts,
                       const size_t *lengths, int64_t count, int32_t chunk, float *vectors);

#endif
