/*
 * Arbiter project: JNI natives that DJL 0.36.0's PyTorchLibrary.java declares but the
 * public DJL pytorch-native C++ sources we could fetch do not define.
 *
 * Written for Arbiter from the libtorch C++ API and the meaning of the Java callers in
 * pytorch-engine-0.36.0-sources.jar (JniUtils / IValueUtils / PtNDArray). Not copied from
 * any other project.
 *
 * Conventions (same as the DJL sources this is compiled with):
 *  - a tensor handle is a `torch::Tensor*` allocated with new, an IValue handle a
 *    `torch::IValue*`, a module handle a `torch::jit::script::Module*`;
 *  - an NDIndex handle (torchIndexInit) is a `std::vector<torch::indexing::TensorIndex>*`;
 *  - C++ exceptions are turned into ai.djl.engine.EngineException by API_BEGIN/API_END.
 *
 * Every native is wrapped in `#ifndef ARBITER_SKIP_<name>`: build-on-device.sh defines
 * ARBITER_SKIP_<name> for every native the other .cc files already define, so this file
 * never clashes with a newer upstream source that gained some of them.
 *
 * Optional: define ARBITER_WITH_CUDA (and link c10_cuda) to make torchCudaEmptyCache free the
 * CUDA caching allocator and to honour moduleRunMethod's separateCudaStream flag.
 */
#include <torch/script.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#ifdef ARBITER_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

#include "ai_djl_pytorch_jni_PyTorchLibrary.h"
#include "djl_pytorch_jni_exception.h"
#include "djl_pytorch_utils.h"

namespace arbiter {

using IndexVec = std::vector<torch::indexing::TensorIndex>;

inline torch::Tensor* T(jlong handle) {
  if (handle == 0) {
    throw std::invalid_argument("null tensor handle");
  }
  return reinterpret_cast<torch::Tensor*>(handle);
}

inline IndexVec* Idx(jlong handle) {
  if (handle == 0) {
    throw std::invalid_argument("null NDIndex handle");
  }
  return reinterpret_cast<IndexVec*>(handle);
}

inline jlong Wrap(const torch::Tensor& t) {
  return static_cast<jlong>(reinterpret_cast<uintptr_t>(new torch::Tensor(t)));
}

inline std::vector<int64_t> LongVec(JNIEnv* env, jlongArray arr) {
  if (arr == nullptr) {
    return {};
  }
  return djl::utils::jni::GetVecFromJLongArray(env, arr);
}

// DJL passes length <= 0 when it wants the natural length of the axis.
inline c10::optional<int64_t> FftLength(jlong length) {
  if (length <= 0) {
    return c10::nullopt;
  }
  return static_cast<int64_t>(length);
}

}  // namespace arbiter

// ---------------------------------------------------------------------------------------------
// tensor memory

#ifndef ARBITER_SKIP_torchIsContiguous
JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIsContiguous(
    JNIEnv* env, jobject jthis, jlong jhandle) {
  API_BEGIN()
  const auto* t = arbiter::T(jhandle);
  // sparse / mkldnn tensors have no strided contiguous buffer
  if (t->is_sparse() || t->is_mkldnn()) {
    return JNI_FALSE;
  }
  return t->is_contiguous() ? JNI_TRUE : JNI_FALSE;
  API_END_RETURN()
}
#endif

#ifndef ARBITER_SKIP_torchToContiguous
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchToContiguous(
    JNIEnv* env, jobject jthis, jlong jhandle) {
  API_BEGIN()
  torch::NoGradGuard no_grad;
  const auto* t = arbiter::T(jhandle);
  torch::Tensor dense = (t->is_sparse() || t->is_mkldnn()) ? t->to_dense() : *t;
  return arbiter::Wrap(dense.contiguous());
  API_END_RETURN()
}
#endif

#ifndef ARBITER_SKIP_torchDirectByteBuffer
// Returns a direct ByteBuffer over the tensor's own CPU memory (no copy). The Java side
// (JniUtils.getByteBuffer) only calls this for a dense, contiguous CPU tensor and keeps that
// NDArray alive for as long as the buffer is used.
JNIEXPORT jobject JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchDirectByteBuffer(
    JNIEnv* env, jobject jthis, jlong jhandle) {
  API_BEGIN()
  const auto* t = arbiter::T(jhandle);
  if (!t->device().is_cpu()) {
    env->ThrowNew(ENGINE_EXCEPTION_CLASS, "torchDirectByteBuffer: tensor is not on the CPU");
    return nullptr;
  }
  if (t->is_sparse() || t->is_mkldnn() || !t->is_contiguous()) {
    env->ThrowNew(ENGINE_EXCEPTION_CLASS, "torchDirectByteBuffer: tensor is not dense and contiguous");
    return nullptr;
  }
  const auto nbytes = static_cast<jlong>(t->nbytes());
  void* data = nbytes == 0 ? nullptr : t->data_ptr();
  if (data == nullptr) {
    // JNI requires a non-null address; an empty tensor gets an empty heap-free buffer
    static char empty_sentinel = 0;
    data = &empty_sentinel;
  }
  return env->NewDirectByteBuffer(data, nbytes);
  API_END_RETURN()
}
#endif

#ifndef ARBITER_SKIP_torchCudaEmptyCache
JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchCudaEmptyCache(JNIEnv* env, jobject jthis) {
  API_BEGIN()
#ifdef ARBITER_WITH_CUDA
  if (torch::cuda::is_available()) {
    c10::cuda::CUDACachingAllocator::emptyCache();
  }
#endif
  API_END()
}
#endif

// ---------------------------------------------------------------------------------------------
// NDIndex (advanced indexing): JniUtils.indexAdv / indexAdvPut build an index list with
// torchIndexInit + torchIndexAppend*, use it once with torchIndexAdvGet / torchIndexAdvPut and
// free it with torchDeleteIndex (in a finally block).

#ifndef ARBITER_SKIP_torchIndexInit
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIndexInit(JNIEnv* env, jobject jthis, jint jsize) {
  API_BEGIN()
  auto* vec = new arbiter::IndexVec();
  if (jsize > 0) {
    vec->reserve(static_cast<size_t>(jsize) + 1);  // +1: a trailing Ellipsis may be appended
  }
  return static_cast<jlong>(reinterpret_cast<uintptr_t>(vec));
  API_END_RETURN()
}
#endif

#ifndef ARBITER_SKIP_torchDeleteIndex
JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchDeleteIndex(
    JNIEnv* env, jobject jthis, jlong jhandle) {
  API_BEGIN()
  delete reinterpret_cast<arbiter::IndexVec*>(jhandle);
  API_END()
}
#endif

#ifndef ARBITER_SKIP_torchIndexAppendNoneEllipsis
JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIndexAppendNoneEllipsis(
    JNIEnv* env, jobject jthis, jlong jindex_handle, jboolean jis_ellipsis) {
  API_BEGIN()
  auto* vec = arbiter::Idx(jindex_handle);
  if (jis_ellipsis == JNI_TRUE) {
    vec->emplace_back(torch::indexing::Ellipsis);
  } else {
    vec->emplace_back(torch::indexing::None);
  }
  API_END()
}
#endif

#ifndef ARBITER_SKIP_torchIndexAppendSlice
// null_slice_binary = (min == null) * 2 + (max == null); a null end is "open".
JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIndexAppendSlice(JNIEnv* env, jobject jthis,
    jlong jindex_handle, jlong jmin, jlong jmax, jlong jstep, jint jnull_slice_binary) {
  API_BEGIN()
  using torch::indexing::None;
  using torch::indexing::Slice;
  auto* vec = arbiter::Idx(jindex_handle);
  const int64_t lo = static_cast<int64_t>(jmin);
  const int64_t hi = static_cast<int64_t>(jmax);
  const int64_t step = static_cast<int64_t>(jstep);
  switch (jnull_slice_binary) {
    case 0:
      vec->emplace_back(Slice(lo, hi, step));
      break;
    case 1:
      vec->emplace_back(Slice(lo, None, step));
      break;
    case 2:
      vec->emplace_back(Slice(None, hi, step));
      break;
    case 3:
      vec->emplace_back(Slice(None, None, step));
      break;
    default:
      throw std::invalid_argument("torchIndexAppendSlice: bad nullSliceBinary " + std::to_string(jnull_slice_binary));
  }
  API_END()
}
#endif

#ifndef ARBITER_SKIP_torchIndexAppendFixed
JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIndexAppendFixed(
    JNIEnv* env, jobject jthis, jlong jindex_handle, jlong jidx) {
  API_BEGIN()
  arbiter::Idx(jindex_handle)->emplace_back(static_cast<int64_t>(jidx));
  API_END()
}
#endif

#ifndef ARBITER_SKIP_torchIndexAppendArray
// boolean mask or int64 index tensor; the vector holds its own reference to the tensor
JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIndexAppendArray(
    JNIEnv* env, jobject jthis, jlong jindex_handle, jlong jarray) {
  API_BEGIN()
  arbiter::Idx(jindex_handle)->emplace_back(*arbiter::T(jarray));
  API_END()
}
#endif

#ifndef ARBITER_SKIP_torchIndexAdvGet
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIndexAdvGet(
    JNIEnv* env, jobject jthis, jlong jhandle, jlong jindex_handle) {
  API_BEGIN()
  const auto* t = arbiter::T(jhandle);
  const auto* vec = arbiter::Idx(jindex_handle);
  return arbiter::Wrap(t->index(*vec));
  API_END_RETURN()
}
#endif

#ifndef ARBITER_SKIP_torchIndexAdvPut
JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIndexAdvPut(
    JNIEnv* env, jobject jthis, jlong jhandle, jlong jindex_handle, jlong jdata) {
  API_BEGIN()
  auto* t = arbiter::T(jhandle);
  const auto* vec = arbiter::Idx(jindex_handle);
  const auto* data = arbiter::T(jdata);
  t->index_put_(*vec, *data);
  API_END()
}
#endif

// ---------------------------------------------------------------------------------------------
// element placement / selection

#ifndef ARBITER_SKIP_torchPut
// NDArray.put(index, value): out-of-place, index is into the flattened array (int64).
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchPut(
    JNIEnv* env, jobject jthis, jlong jhandle, jlong jindex, jlong jvalue) {
  API_BEGIN()
  const auto* t = arbiter::T(jhandle);
  const auto* index = arbiter::T(jindex);
  const auto* value = arbiter::T(jvalue);
  return arbiter::Wrap(t->put(*index, *value, /*accumulate=*/false));
  API_END_RETURN()
}
#endif

#ifndef ARBITER_SKIP_torchScatter
// NDArray.scatter(index, value, axis): out-of-place torch.scatter(dim, index, src).
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchScatter(
    JNIEnv* env, jobject jthis, jlong jhandle, jlong jindex, jlong jvalue, jint jaxis) {
  API_BEGIN()
  const auto* t = arbiter::T(jhandle);
  const auto* index = arbiter::T(jindex);
  const auto* value = arbiter::T(jvalue);
  return arbiter::Wrap(t->scatter(static_cast<int64_t>(jaxis), *index, *value));
  API_END_RETURN()
}
#endif

#ifndef ARBITER_SKIP_torchTopK
// returns {values, indices}, JniUtils.topK wraps each handle into an NDArray of the NDList
JNIEXPORT jlongArray JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchTopK(
    JNIEnv* env, jobject jthis, jlong jhandle, jlong jk, jlong jaxis, jboolean jlargest, jboolean jsorted) {
  API_BEGIN()
  const auto* t = arbiter::T(jhandle);
  auto result = t->topk(static_cast<int64_t>(jk), static_cast<int64_t>(jaxis), jlargest == JNI_TRUE,
      jsorted == JNI_TRUE);
  jlong handles[2];
  handles[0] = arbiter::Wrap(std::get<0>(result));
  handles[1] = arbiter::Wrap(std::get<1>(result));
  jlongArray jarray = env->NewLongArray(2);
  if (jarray == nullptr) {
    delete reinterpret_cast<torch::Tensor*>(handles[0]);
    delete reinterpret_cast<torch::Tensor*>(handles[1]);
    return nullptr;  // OutOfMemoryError already pending
  }
  env->SetLongArrayRegion(jarray, 0, 2, handles);
  return jarray;
  API_END_RETURN()
}
#endif

// ---------------------------------------------------------------------------------------------
// shape ops

#ifndef ARBITER_SKIP_torchPad
// NDArray.pad(Shape padding, value): padding as in torch.nn.functional.pad, i.e.
// (last_dim_before, last_dim_after, second_last_before, ...), constant fill.
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchPad(
    JNIEnv* env, jobject jthis, jlong jhandle, jlongArray jshape, jdouble jvalue) {
  API_BEGIN()
  const auto* t = arbiter::T(jhandle);
  const std::vector<int64_t> pad = arbiter::LongVec(env, jshape);
  return arbiter::Wrap(torch::constant_pad_nd(*t, pad, static_cast<double>(jvalue)));
  API_END_RETURN()
}
#endif

#ifndef ARBITER_SKIP_torchDiagonal
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchDiagonal(
    JNIEnv* env, jobject jthis, jlong jhandle, jlong joffset, jlong jaxis1, jlong jaxis2) {
  API_BEGIN()
  const auto* t = arbiter::T(jhandle);
  return arbiter::Wrap(
      t->diagonal(static_cast<int64_t>(joffset), static_cast<int64_t>(jaxis1), static_cast<int64_t>(jaxis2)));
  API_END_RETURN()
}
#endif

#ifndef ARBITER_SKIP_torchNNNormalize
// torch.nn.functional.normalize(input, p, dim, eps)
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchNNNormalize(
    JNIEnv* env, jobject jthis, jlong jhandle, jdouble jp, jlong jdim, jdouble jeps) {
  API_BEGIN()
  const auto* t = arbiter::T(jhandle);
  namespace F = torch::nn::functional;
  return arbiter::Wrap(F::normalize(*t, F::NormalizeFuncOptions().p(jp).dim(static_cast<int64_t>(jdim)).eps(jeps)));
  API_END_RETURN()
}
#endif

#ifndef ARBITER_SKIP_conj
// complex conjugate; materialised (resolve_conj) so raw data reads see conjugated values
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_conj(JNIEnv* env, jobject jthis, jlong jhandle) {
  API_BEGIN()
  const auto* t = arbiter::T(jhandle);
  return arbiter::Wrap(t->conj().resolve_conj());
  API_END_RETURN()
}
#endif

// ---------------------------------------------------------------------------------------------
// FFT family (torch::fft), length <= 0 means "natural length"

#ifndef ARBITER_SKIP_torchIfft
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIfft(
    JNIEnv* env, jobject jthis, jlong jhandle, jlong jlength, jlong jaxis) {
  API_BEGIN()
  const auto* t = arbiter::T(jhandle);
  return arbiter::Wrap(torch::fft::ifft(*t, arbiter::FftLength(jlength), static_cast<int64_t>(jaxis)));
  API_END_RETURN()
}
#endif

#ifndef ARBITER_SKIP_torchRfft
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchRfft(
    JNIEnv* env, jobject jthis, jlong jhandle, jlong jlength, jlong jaxis) {
  API_BEGIN()
  const auto* t = arbiter::T(jhandle);
  return arbiter::Wrap(torch::fft::rfft(*t, arbiter::FftLength(jlength), static_cast<int64_t>(jaxis)));
  API_END_RETURN()
}
#endif

#ifndef ARBITER_SKIP_torchIrfft
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIrfft(
    JNIEnv* env, jobject jthis, jlong jhandle, jlong jlength, jlong jaxis) {
  API_BEGIN()
  const auto* t = arbiter::T(jhandle);
  return arbiter::Wrap(torch::fft::irfft(*t, arbiter::FftLength(jlength), static_cast<int64_t>(jaxis)));
  API_END_RETURN()
}
#endif

#ifndef ARBITER_SKIP_torchFft2
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchFft2(
    JNIEnv* env, jobject jthis, jlong jhandle, jlongArray jsizes, jlongArray jaxes) {
  API_BEGIN()
  const auto* t = arbiter::T(jhandle);
  const std::vector<int64_t> sizes = arbiter::LongVec(env, jsizes);
  std::vector<int64_t> axes = arbiter::LongVec(env, jaxes);
  if (axes.empty()) {
    axes = {-2, -1};
  }
  at::OptionalIntArrayRef s;
  if (!sizes.empty()) {
    s = torch::IntArrayRef(sizes);
  }
  return arbiter::Wrap(torch::fft::fft2(*t, s, torch::IntArrayRef(axes)));
  API_END_RETURN()
}
#endif

#ifndef ARBITER_SKIP_torchIfft2
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIfft2(
    JNIEnv* env, jobject jthis, jlong jhandle, jlongArray jsizes, jlongArray jaxes) {
  API_BEGIN()
  const auto* t = arbiter::T(jhandle);
  const std::vector<int64_t> sizes = arbiter::LongVec(env, jsizes);
  std::vector<int64_t> axes = arbiter::LongVec(env, jaxes);
  if (axes.empty()) {
    axes = {-2, -1};
  }
  at::OptionalIntArrayRef s;
  if (!sizes.empty()) {
    s = torch::IntArrayRef(sizes);
  }
  return arbiter::Wrap(torch::fft::ifft2(*t, s, torch::IntArrayRef(axes)));
  API_END_RETURN()
}
#endif

// ---------------------------------------------------------------------------------------------
// TorchScript module

#ifndef ARBITER_SKIP_moduleGetMethodNames
JNIEXPORT jobjectArray JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_moduleGetMethodNames(
    JNIEnv* env, jobject jthis, jlong jhandle) {
  API_BEGIN()
  auto* module_ptr = reinterpret_cast<torch::jit::script::Module*>(jhandle);
  if (module_ptr == nullptr) {
    throw std::invalid_argument("null module handle");
  }
  std::vector<std::string> names;
  for (const auto& method : module_ptr->get_methods()) {
    names.push_back(method.name());
  }
  return djl::utils::jni::GetStringArrayFromVec(env, names);
  API_END_RETURN()
}
#endif

#ifndef ARBITER_SKIP_moduleRunMethod
// Runs module.<methodName>(*ivalues) and returns a new IValue handle (the caller owns it and the
// input IValues). isTrain=false disables autograd for the call, like moduleForward did.
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_moduleRunMethod(JNIEnv* env, jobject jthis,
    jlong jmodule, jstring jmethod_name, jlongArray jivalues, jboolean jis_train, jboolean jseparate_cuda_stream) {
  API_BEGIN()
  auto* module_ptr = reinterpret_cast<torch::jit::script::Module*>(jmodule);
  if (module_ptr == nullptr) {
    throw std::invalid_argument("null module handle");
  }
  const std::string method_name = djl::utils::jni::GetStringFromJString(env, jmethod_name);
  auto method = module_ptr->find_method(method_name);
  if (!method) {
    const std::string msg = "moduleRunMethod: the module has no method named '" + method_name + "'";
    env->ThrowNew(ENGINE_EXCEPTION_CLASS, msg.c_str());
    return 0;
  }

  std::vector<torch::IValue> inputs;
  if (jivalues != nullptr) {
    const jsize len = env->GetArrayLength(jivalues);
    inputs.reserve(static_cast<size_t>(len));
    jlong* ptrs = env->GetLongArrayElements(jivalues, JNI_FALSE);
    for (jsize i = 0; i < len; ++i) {
      if (ptrs[i] == 0) {
        env->ReleaseLongArrayElements(jivalues, ptrs, JNI_ABORT);
        throw std::invalid_argument("moduleRunMethod: null IValue handle at " + std::to_string(i));
      }
      inputs.emplace_back(*reinterpret_cast<torch::IValue*>(ptrs[i]));
    }
    env->ReleaseLongArrayElements(jivalues, ptrs, JNI_ABORT);
  }

  auto run = [&]() -> torch::IValue {
    if (jis_train == JNI_TRUE) {
      return (*method)(inputs);
    }
    torch::autograd::AutoGradMode no_autograd{false};
    torch::NoGradGuard no_grad;
    return (*method)(inputs);
  };

  torch::IValue output;
#ifdef ARBITER_WITH_CUDA
  // Optional side stream on the device of the first CUDA tensor input.
  c10::DeviceIndex cuda_index = -1;
  if (jseparate_cuda_stream == JNI_TRUE) {
    for (const auto& iv : inputs) {
      if (iv.isTensor() && iv.toTensor().is_cuda()) {
        cuda_index = iv.toTensor().device().index();
        break;
      }
    }
  }
  if (cuda_index >= 0) {
    auto stream = c10::cuda::getStreamFromPool(false, cuda_index);
    {
      c10::cuda::CUDAStreamGuard guard(stream);
      output = run();
    }
    stream.synchronize();
  } else {
    output = run();
  }
#else
  (void) jseparate_cuda_stream;
  output = run();
#endif
  return static_cast<jlong>(reinterpret_cast<uintptr_t>(new torch::IValue(std::move(output))));
  API_END_RETURN()
}
#endif
