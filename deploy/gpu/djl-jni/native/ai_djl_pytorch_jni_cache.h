/*
 * Arbiter project: our own replacement for DJL's ai_djl_pytorch_jni_cache.h, which the public
 * source index did not hold. Declares the cached Java classes the DJL .cc files throw with.
 * Defined in arbiter_jni_cache.cc (JNI_OnLoad / JNI_OnUnload).
 */
#ifndef ARBITER_AI_DJL_PYTORCH_JNI_CACHE_H
#define ARBITER_AI_DJL_PYTORCH_JNI_CACHE_H

#include <jni.h>

#include "djl_pytorch_jni_log.h"

extern jclass ENGINE_EXCEPTION_CLASS;
extern jclass NULL_PTR_EXCEPTION_CLASS;
extern jclass ILLEGAL_STATE_EXCEPTION_CLASS;
extern jclass ILLEGAL_ARGUMENT_EXCEPTION_CLASS;
extern jclass UNSUPPORTED_OPERATION_EXCEPTION_CLASS;

#endif  // ARBITER_AI_DJL_PYTORCH_JNI_CACHE_H
