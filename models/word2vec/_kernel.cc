// word2vec's negative-sampling SGD as one TensorFlow op: a chunk of (subsampled) corpus tokens in, the two
// embedding tables updated in place, the summed loss out.
//
// What word2vec.c and gensim do, inside TensorFlow: for each token in corpus order, a window shrunk at random
// to 1..window words on each side (never across a document boundary), then, for CBOW, the mean of the
// context words' input vectors predicts the center word, and for Skip-gram the center word's input vector
// predicts each context word; the target and `negative` noise words (drawn from the unigram^0.75
// distribution by its alias table, a noise word equal to the target skipped) get a logistic-loss SGD step,
// the output vectors at once and the input vectors with the summed gradient afterwards (CBOW: each
// context word gets all of it). The learning rate falls linearly from `learning_rate_start` to
// `learning_rate_end` over the chunk. The chunk is cut into one contiguous part per thread of the op's
// thread pool, trained at the same time on the shared tables without locks (Hogwild, as word2vec.c and
// gensim do).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "tensorflow/core/framework/op.h"
#include "tensorflow/core/framework/op_kernel.h"
#include "tensorflow/core/framework/resource_mgr.h"
#include "tensorflow/core/framework/resource_var.h"
#include "tensorflow/core/framework/shape_inference.h"
#include "tensorflow/core/util/work_sharder.h"

namespace tensorflow {
namespace {

constexpr float kMaxLogit = 6.0f;  // word2vec.c's MAX_EXP: the logistic function is tabulated on [-6, 6]
constexpr int kTableSize = 1000;
constexpr int64_t kWordsPerThread = 5000;  // a thread per this many words of the vocabulary, at most

struct Tables {
  float sigmoid[kTableSize + 1];
  float log_sigmoid[kTableSize + 1];  // log(sigmoid(x)); log(1 - sigmoid(x)) = log_sigmoid(-x)
  Tables() {
    for (int i = 0; i <= kTableSize; ++i) {
      double x = (2.0 * i / kTableSize - 1.0) * kMaxLogit;
      sigmoid[i] = static_cast<float>(1.0 / (1.0 + std::exp(-x)));
      log_sigmoid[i] = static_cast<float>(-std::log1p(std::exp(-x)));
    }
  }
};
const Tables& tables() {
  static const Tables t;
  return t;
}
inline int table_index(float logit) {
  return static_cast<int>((logit + kMaxLogit) * (kTableSize / (2.0f * kMaxLogit)));
}

inline uint64_t next_random(uint64_t& state) {  // word2vec.c's linear congruential generator
  state = state * 25214903917ULL + 11;
  return state >> 16;
}

struct Chunk {
  float* input;
  float* output;
  int64_t dim;
  const int32_t* ids;
  const int32_t* documents;
  int64_t size;
  const float* noise_keep;  // the noise distribution's alias table (corpus.noise_alias_table)
  const int32_t* noise_alias;
  int64_t vocabulary;
  bool cbow;
  int window;
  int negative;
  float lr_start;
  float lr_end;
};

// One logistic step of `hidden` (dim) against the target and the noise words; the hidden layer's gradient is
// added to `gradient`. Returns the loss of these 1 + negative predictions.
inline int32_t draw_noise(const Chunk& c, uint64_t& random) {
  const int64_t word = static_cast<int64_t>(next_random(random) % c.vocabulary);
  const float u = static_cast<float>(next_random(random) & 0xFFFFFF) / 16777216.0f;
  return u < c.noise_keep[word] ? static_cast<int32_t>(word) : c.noise_alias[word];
}

inline double negative_step(const Chunk& c, const float* __restrict__ hidden, int32_t target, float lr,
                            float* __restrict__ gradient, uint64_t& random) {
  const Tables& t = tables();
  double loss = 0.0;
  const int64_t dim = c.dim;
  for (int d = 0; d <= c.negative; ++d) {
    int32_t word = target;
    float label = 1.0f;
    if (d > 0) {
      word = draw_noise(c, random);
      if (word == target) continue;
      label = 0.0f;
    }
    float* __restrict__ out = c.output + static_cast<int64_t>(word) * dim;
    float logit = 0.0f;
    for (int64_t k = 0; k < dim; ++k) logit += hidden[k] * out[k];
    float probability;
    float sign = label > 0.0f ? 1.0f : -1.0f;  // loss = -log sigmoid(sign * logit)
    if (logit >= kMaxLogit) {
      probability = 1.0f;
      loss -= label > 0.0f ? 0.0 : t.log_sigmoid[0] - (logit - kMaxLogit);
    } else if (logit <= -kMaxLogit) {
      probability = 0.0f;
      loss -= label > 0.0f ? t.log_sigmoid[0] - (-logit - kMaxLogit) : 0.0;
    } else {
      int i = table_index(logit);
      probability = t.sigmoid[i];
      loss -= t.log_sigmoid[sign > 0.0f ? i : kTableSize - i];
    }
    const float step = (label - probability) * lr;
    for (int64_t k = 0; k < dim; ++k) {
      gradient[k] += step * out[k];
      out[k] += step * hidden[k];
    }
  }
  return loss;
}

// Trains on tokens [begin, end) of the chunk; returns the loss and counts the examples.
double train_part(const Chunk& c, int64_t begin, int64_t end, uint64_t random, int64_t* examples) {
  const int64_t dim = c.dim;
  std::vector<float> hidden(dim), gradient(dim);
  double loss = 0.0;
  for (int64_t position = begin; position < end; ++position) {
    const float lr = c.lr_start + (c.lr_end - c.lr_start) * static_cast<float>(position) / c.size;
    const int span = c.window - static_cast<int>(next_random(random) % c.window);
    const int32_t center = c.ids[position], document = c.documents[position];
    const int64_t first = std::max<int64_t>(0, position - span);
    const int64_t last = std::min<int64_t>(c.size - 1, position + span);
    if (c.cbow) {
      std::fill(hidden.begin(), hidden.end(), 0.0f);
      int count = 0;
      for (int64_t j = first; j <= last; ++j) {
        if (j == position || c.documents[j] != document) continue;
        const float* in = c.input + static_cast<int64_t>(c.ids[j]) * dim;
        for (int64_t k = 0; k < dim; ++k) hidden[k] += in[k];
        ++count;
      }
      if (count == 0) continue;
      const float scale = 1.0f / count;
      for (int64_t k = 0; k < dim; ++k) hidden[k] *= scale;
      std::fill(gradient.begin(), gradient.end(), 0.0f);
      loss += negative_step(c, hidden.data(), center, lr, gradient.data(), random);
      for (int64_t j = first; j <= last; ++j) {
        if (j == position || c.documents[j] != document) continue;
        float* in = c.input + static_cast<int64_t>(c.ids[j]) * dim;
        for (int64_t k = 0; k < dim; ++k) in[k] += gradient[k];
      }
      ++*examples;
    } else {
      float* in = c.input + static_cast<int64_t>(center) * dim;
      for (int64_t j = first; j <= last; ++j) {
        if (j == position || c.documents[j] != document) continue;
        std::fill(gradient.begin(), gradient.end(), 0.0f);
        loss += negative_step(c, in, c.ids[j], lr, gradient.data(), random);
        for (int64_t k = 0; k < dim; ++k) in[k] += gradient[k];
        ++*examples;
      }
    }
  }
  return loss;
}

// The variable's buffer, made private first if a read still shares it (as TensorFlow's own update ops do).
absl::Status writable_table(OpKernelContext* ctx, Var* var, float** data, int64_t* rows, int64_t* dim) {
  Tensor* tensor = var->tensor();
  if (tensor->dtype() != DT_FLOAT || tensor->dims() != 2) {
    return absl::InvalidArgumentError("an embedding table must be a float32 matrix");
  }
  if (var->copy_on_read_mode.load() || !tensor->RefCountIsOne()) {
    Tensor copy;
    TF_RETURN_IF_ERROR(ctx->allocate_temp(DT_FLOAT, tensor->shape(), &copy));
    std::memcpy(copy.flat<float>().data(), tensor->flat<float>().data(), tensor->TotalBytes());
    *tensor = copy;
  }
  *data = tensor->flat<float>().data();
  *rows = tensor->dim_size(0);
  *dim = tensor->dim_size(1);
  return absl::OkStatus();
}

}  // namespace

REGISTER_OP("Word2vecTrainChunk")
    .Input("input_vectors: resource")
    .Input("output_vectors: resource")
    .Input("ids: int32")
    .Input("documents: int32")
    .Input("noise_keep: float")
    .Input("noise_alias: int32")
    .Input("learning_rate_start: float")
    .Input("learning_rate_end: float")
    .Input("seed: int64")
    .Output("loss: float64")
    .Output("examples: int64")
    .Attr("cbow: bool")
    .Attr("window: int >= 1")
    .Attr("negative: int >= 0")
    .SetIsStateful()
    .SetShapeFn([](shape_inference::InferenceContext* c) {
      c->set_output(0, c->Scalar());
      c->set_output(1, c->Scalar());
      return absl::OkStatus();
    });

class Word2vecTrainChunkOp : public OpKernel {
 public:
  explicit Word2vecTrainChunkOp(OpKernelConstruction* ctx) : OpKernel(ctx) {
    OP_REQUIRES_OK(ctx, ctx->GetAttr("cbow", &cbow_));
    OP_REQUIRES_OK(ctx, ctx->GetAttr("window", &window_));
    OP_REQUIRES_OK(ctx, ctx->GetAttr("negative", &negative_));
  }

  void Compute(OpKernelContext* ctx) override {
    core::RefCountPtr<Var> input_var, output_var;
    Chunk c;
    int64_t rows, output_rows, output_dim;
    // Both tables stay locked for the whole chunk: one chunk trains at a time, its threads share the tables.
    OP_REQUIRES_OK(ctx, LookupResource(ctx, HandleFromInput(ctx, 0), &input_var));
    OP_REQUIRES_OK(ctx, LookupResource(ctx, HandleFromInput(ctx, 1), &output_var));
    mutex_lock input_lock(*input_var->mu());
    mutex_lock output_lock(*output_var->mu());
    OP_REQUIRES_OK(ctx, writable_table(ctx, input_var.get(), &c.input, &rows, &c.dim));
    OP_REQUIRES_OK(ctx, writable_table(ctx, output_var.get(), &c.output, &output_rows, &output_dim));
    OP_REQUIRES(ctx, rows == output_rows && c.dim == output_dim,
                absl::InvalidArgumentError("the input and output tables differ in shape"));
    const Tensor& ids = ctx->input(2);
    const Tensor& documents = ctx->input(3);
    const Tensor& noise_keep = ctx->input(4);
    const Tensor& noise_alias = ctx->input(5);
    OP_REQUIRES(ctx, ids.dims() == 1 && documents.shape() == ids.shape(),
                absl::InvalidArgumentError("ids and documents must be vectors of one length"));
    OP_REQUIRES(ctx, noise_keep.dims() == 1 && noise_keep.NumElements() == rows &&
                         noise_alias.shape() == noise_keep.shape(),
                absl::InvalidArgumentError("the noise alias table must have one entry per word"));
    c.ids = ids.flat<int32_t>().data();
    c.documents = documents.flat<int32_t>().data();
    c.size = ids.NumElements();
    c.noise_keep = noise_keep.flat<float>().data();
    c.noise_alias = noise_alias.flat<int32_t>().data();
    c.vocabulary = rows;
    for (const Tensor* words : {&ids, &noise_alias}) {
      const int32_t* w = words->flat<int32_t>().data();
      OP_REQUIRES(ctx, std::all_of(w, w + words->NumElements(), [rows](int32_t v) { return v >= 0 && v < rows; }),
                  absl::InvalidArgumentError("a word id is outside the tables"));
    }
    c.cbow = cbow_;
    c.window = window_;
    c.negative = negative_;
    c.lr_start = ctx->input(6).scalar<float>()();
    c.lr_end = ctx->input(7).scalar<float>()();
    const uint64_t seed = static_cast<uint64_t>(ctx->input(8).scalar<int64_t>()());

    auto* workers = ctx->device()->tensorflow_cpu_worker_threads();
    // Hogwild assumes threads seldom touch the same rows: with a small vocabulary they always do, their
    // updates overwrite each other and the vectors come out poor and different from run to run, so each
    // thread gets at least kWordsPerThread words of the vocabulary.
    const int64_t by_vocabulary = rows / kWordsPerThread + 1;
    const int parts = std::max<int64_t>(
        1, std::min<int64_t>({static_cast<int64_t>(workers->num_threads), c.size / 1000 + 1, by_vocabulary}));
    std::vector<double> losses(parts, 0.0);
    std::vector<int64_t> examples(parts, 0);
    Shard(parts, workers->workers, parts, /*cost_per_unit=*/1 << 30, [&](int64_t first, int64_t last) {
      for (int64_t part = first; part < last; ++part) {
        losses[part] = train_part(c, c.size * part / parts, c.size * (part + 1) / parts,
                                  seed + 0x9E3779B97F4A7C15ULL * (part + 1), &examples[part]);
      }
    });
    Tensor* loss = nullptr;
    Tensor* count = nullptr;
    OP_REQUIRES_OK(ctx, ctx->allocate_output(0, TensorShape({}), &loss));
    OP_REQUIRES_OK(ctx, ctx->allocate_output(1, TensorShape({}), &count));
    double total = 0.0;
    int64_t n = 0;
    for (int part = 0; part < parts; ++part) {
      total += losses[part];
      n += examples[part];
    }
    loss->scalar<double>()() = total;
    count->scalar<int64_t>()() = n;
  }

 private:
  bool cbow_;
  int window_;
  int negative_;
};

REGISTER_KERNEL_BUILDER(Name("Word2vecTrainChunk").Device(DEVICE_CPU), Word2vecTrainChunkOp);

}  // namespace tensorflow
