/*
 * Arbiter project: our own JNI_OnLoad class cache and slf4j-backed Log class (replacing DJL's
 * ai_djl_pytorch_jni_cache.cc and djl_pytorch_jni_log.cc, which the public source index did
 * not hold). Written from the JNI spec; not copied from any project.
 */
#include <jni.h>

#include <string>

#include "ai_djl_pytorch_jni_cache.h"
#include "djl_pytorch_jni_log.h"

jclass ENGINE_EXCEPTION_CLASS = nullptr;
jclass NULL_PTR_EXCEPTION_CLASS = nullptr;
jclass ILLEGAL_STATE_EXCEPTION_CLASS = nullptr;
jclass ILLEGAL_ARGUMENT_EXCEPTION_CLASS = nullptr;
jclass UNSUPPORTED_OPERATION_EXCEPTION_CLASS = nullptr;

namespace {

jclass GlobalClass(JNIEnv* env, const char* name, const char* fallback) {
  jclass local = env->FindClass(name);
  if (local == nullptr) {
    env->ExceptionClear();
    local = env->FindClass(fallback);
  }
  if (local == nullptr) {
    env->ExceptionClear();
    return nullptr;
  }
  auto global = static_cast<jclass>(env->NewGlobalRef(local));
  env->DeleteLocalRef(local);
  return global;
}

void DropGlobal(JNIEnv* env, jclass& cls) {
  if (cls != nullptr) {
    env->DeleteGlobalRef(cls);
    cls = nullptr;
  }
}

}  // namespace

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void* reserved) {
  JNIEnv* env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_8) != JNI_OK) {
    return JNI_ERR;
  }
  ENGINE_EXCEPTION_CLASS = GlobalClass(env, "ai/djl/engine/EngineException", "java/lang/RuntimeException");
  NULL_PTR_EXCEPTION_CLASS = GlobalClass(env, "java/lang/NullPointerException", "java/lang/RuntimeException");
  ILLEGAL_STATE_EXCEPTION_CLASS = GlobalClass(env, "java/lang/IllegalStateException", "java/lang/RuntimeException");
  ILLEGAL_ARGUMENT_EXCEPTION_CLASS =
      GlobalClass(env, "java/lang/IllegalArgumentException", "java/lang/RuntimeException");
  UNSUPPORTED_OPERATION_EXCEPTION_CLASS =
      GlobalClass(env, "java/lang/UnsupportedOperationException", "java/lang/RuntimeException");
  if (ENGINE_EXCEPTION_CLASS == nullptr) {
    return JNI_ERR;
  }
  return JNI_VERSION_1_8;
}

JNIEXPORT void JNICALL JNI_OnUnload(JavaVM* vm, void* reserved) {
  JNIEnv* env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_8) != JNI_OK) {
    return;
  }
  DropGlobal(env, ENGINE_EXCEPTION_CLASS);
  DropGlobal(env, NULL_PTR_EXCEPTION_CLASS);
  DropGlobal(env, ILLEGAL_STATE_EXCEPTION_CLASS);
  DropGlobal(env, ILLEGAL_ARGUMENT_EXCEPTION_CLASS);
  DropGlobal(env, UNSUPPORTED_OPERATION_EXCEPTION_CLASS);
}

// ---------------------------------------------------------------------------------------------
// Log: forwards to org.slf4j.LoggerFactory.getLogger("ai.djl.pytorch.jni.PyTorchLibrary");
// falls back to stderr when slf4j is not reachable.

namespace {

jobject MakeLogger(JNIEnv* env) {
  jclass factory = env->FindClass("org/slf4j/LoggerFactory");
  if (factory == nullptr) {
    env->ExceptionClear();
    return nullptr;
  }
  jmethodID get_logger =
      env->GetStaticMethodID(factory, "getLogger", "(Ljava/lang/String;)Lorg/slf4j/Logger;");
  if (get_logger == nullptr) {
    env->ExceptionClear();
    env->DeleteLocalRef(factory);
    return nullptr;
  }
  jstring name = env->NewStringUTF("ai.djl.pytorch.jni.PyTorchLibrary");
  jobject logger = env->CallStaticObjectMethod(factory, get_logger, name);
  if (env->ExceptionCheck()) {
    env->ExceptionClear();
    logger = nullptr;
  }
  env->DeleteLocalRef(name);
  env->DeleteLocalRef(factory);
  return logger;
}

void Emit(JNIEnv* env, jobject logger, const char* level, const std::string& message) {
  // Called from catch blocks right before ThrowNew: must not leave an exception pending.
  if (env->ExceptionCheck()) {
    std::cerr << "[djl_torch " << level << "] " << message << std::endl;
    return;
  }
  if (logger == nullptr) {
    std::cerr << "[djl_torch " << level << "] " << message << std::endl;
    return;
  }
  jclass cls = env->GetObjectClass(logger);
  jmethodID mid = env->GetMethodID(cls, level, "(Ljava/lang/String;)V");
  if (mid == nullptr) {
    env->ExceptionClear();
    env->DeleteLocalRef(cls);
    std::cerr << "[djl_torch " << level << "] " << message << std::endl;
    return;
  }
  jstring jmsg = env->NewStringUTF(message.c_str());
  env->CallVoidMethod(logger, mid, jmsg);
  if (env->ExceptionCheck()) {
    env->ExceptionClear();
  }
  env->DeleteLocalRef(jmsg);
  env->DeleteLocalRef(cls);
}

}  // namespace

Log::Log(JNIEnv* env) : env(env), logger(MakeLogger(env)) {}

void Log::info(const std::string& message) {
  Emit(env, logger, "info", message);
}

void Log::debug(const std::string& message) {
  Emit(env, logger, "debug", message);
}

void Log::error(const std::string& message) {
  Emit(env, logger, "error", message);
}
